"""Fixtures shared by the MoU tests."""

import pytest
from django.core.files.storage import FileSystemStorage

from mous.models import Milestone, Mou
from tests.factories import MouFactory, MouPartyFactory


@pytest.fixture
def private_storage(tmp_path, monkeypatch):
    """Point the private file fields (signed documents, milestone evidence) at a temporary folder."""
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(Mou._meta.get_field("document"), "storage", storage)
    monkeypatch.setattr(Milestone._meta.get_field("evidence_file"), "storage", storage)
    return tmp_path


@pytest.fixture
def mou(roles):
    """A private MoU between institutions A and B."""
    mou = MouFactory(title="Teacher exchange")
    MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
    MouPartyFactory(mou=mou, institution=roles.institution_b, position=1)
    return mou
