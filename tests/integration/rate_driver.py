"""Send many lab messages at once, from parallel threads, as one learner.

Each thread is its own request through the real view on its own database connection, all
released together, as a burst of parallel browser tabs or scripted clients would be.

    DJANGO_SETTINGS_MODULE=config.settings python tests/integration/rate_driver.py SENDS

Prints one JSON object: the status codes returned and the learner messages stored.
"""

import json
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from labs.models import Message  # noqa: E402

LAB = "/modules/cost-optimization/lessons/token-economics/lab/send/"


def main(sends: int) -> dict:
    user = User.objects.create(username="burst")
    start = threading.Barrier(sends)
    codes: list[int] = []

    def send(i: int) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        start.wait()
        response = client.post(LAB, {"text": f"Question {i}"}, headers={"HX-Request": "true"})
        codes.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = Message.objects.filter(conversation__user=user, role="user").count()
    return {"codes": dict(Counter(codes)), "stored": stored}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
