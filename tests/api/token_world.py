"""The site matrix's world (tests/portal/matrix_world.py) with a token for each API role."""

from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from institutions.models import Membership
from tests.factories import MembershipFactory
from tests.portal.matrix_world import World, build_world

READ = ["read"]
WRITE = ["read", "write"]


def add_tokens(world: World) -> dict[str, str]:
    """Create the tokens of ``TOKEN_ROLES`` (tests/api/matrix.py); return role -> full token."""
    people, o = world.people, world.objects
    later = timezone.now() + timedelta(days=30)

    def make(user, scopes, institution, name):
        return token_create(user=user, name=name, scopes=scopes, institution=institution, expires_at=later)

    tokens = {}
    _, tokens["participant"] = make(people["participant"], READ, o["inst_a"], "participant")
    _, tokens["admin_a_read"] = make(people["admin_a"], READ, o["inst_a"], "admin a read")
    _, tokens["admin_a_write"] = make(people["admin_a"], WRITE, o["inst_a"], "admin a write")
    _, tokens["admin_b"] = make(people["admin_b"], WRITE, o["inst_b"], "admin b")
    _, tokens["secretariat"] = make(people["secretariat"], WRITE, None, "secretariat")
    expired, tokens["expired"] = make(people["admin_a"], WRITE, o["inst_a"], "expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, tokens["revoked"] = make(people["admin_a"], WRITE, o["inst_a"], "revoked")
    token_revoke(user=people["admin_a"], token=revoked)
    # A's admin was an admin of K when the token was made, and has left K since.
    membership = MembershipFactory(user=people["admin_a"], institution=o["inst_k"], role=Membership.Role.ADMIN)
    for attr in ("_member_institution_ids", "_admin_institution_ids"):
        people["admin_a"].__dict__.pop(attr, None)
    _, tokens["removed"] = make(people["admin_a"], WRITE, o["inst_k"], "removed")
    membership.delete()
    for attr in ("_member_institution_ids", "_admin_institution_ids"):
        people["admin_a"].__dict__.pop(attr, None)
    o["api_tokens"] = tokens
    return tokens


def build_api_world() -> World:
    world = build_world()
    add_tokens(world)
    return world
