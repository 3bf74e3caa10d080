"""Write through a PostgreSQL restart: before it, while it is down, and after it is back.

Requests go through Django's real WSGI handler (as under gunicorn), which health-checks and
recycles persistent connections between requests; the test client skips that on purpose.

    DJANGO_SETTINGS_MODULE=config.settings python tests/integration/pg_driver.py STOP_CMD START_CMD
"""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from courses.models import LessonProgress  # noqa: E402

LESSON = "/modules/cost-optimization/lessons/{}/complete/"
TOKEN = "a" * 32  # a CSRF secret: sent as the cookie and the header, as a browser would


def main(stop: str, start: str) -> dict:
    user = User.objects.create(username="pg_restart")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    handler = WSGIHandler()

    def post(slug: str) -> int:
        environ = RequestFactory().post(LESSON.format(slug)).environ
        environ.update(HTTP_COOKIE=f"sessionid={session.session_key}; csrftoken={TOKEN}",
                       HTTP_X_CSRFTOKEN=TOKEN)  # fmt: skip
        status = []
        body = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(body)
        getattr(body, "close", lambda: None)()  # sends request_finished, like a server
        return int(status[0].split()[0])

    before = post("token-economics")
    subprocess.run(stop, shell=True, check=True, capture_output=True)  # noqa: S602
    down = post("prompt-caching")
    subprocess.run(start, shell=True, check=True, capture_output=True)  # noqa: S602
    after = post("model-selection")
    connection.close()  # this script's own queries run outside any request
    read = sorted(LessonProgress.objects.filter(user=user).values_list("lesson__slug", flat=True))
    return {"before": before, "down": down, "after": after, "read": read}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
