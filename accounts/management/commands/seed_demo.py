from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import make_instructor

DEMO_ACCOUNTS = [
    # username, password, role
    ("learner", "learn-costs-2026", "learner"),
    ("instructor", "teach-costs-2026", "instructor"),
    ("admin", "admin-costs-2026", "admin"),
]


class Command(BaseCommand):
    help = "Create demo accounts (learner, instructor, admin). Only when DEBUG is on."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created when DEBUG is on.")
        for username, password, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            if created:
                user.set_password(password)
                user.is_staff = user.is_superuser = role == "admin"
                user.save()
                if role == "instructor":
                    make_instructor(user)
            state = "created" if created else "exists"
            self.stdout.write(f"  {role:<10} {username} / {password}  ({state})")
