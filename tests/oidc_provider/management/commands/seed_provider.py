"""Register the portal as a client and add people with their directory groups."""

import json

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", required=True)
        parser.add_argument("--people", required=True, help='JSON: [{"username", "password", "email", '
                                                            '"first_name", "last_name", "groups"}]')

    def handle(self, *args, **options):
        Application.objects.update_or_create(client_id=options["client_id"], defaults={
            "name": "DCR Portal", "client_secret": options["client_secret"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": options["redirect_uri"], "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        })
        for person in json.loads(options["people"]):
            user, _ = User.objects.get_or_create(username=person["username"])
            user.email, user.first_name, user.last_name = person["email"], person["first_name"], person["last_name"]
            user.set_password(person["password"])
            user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in person["groups"]])
