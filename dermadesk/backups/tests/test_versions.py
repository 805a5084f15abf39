"""Which pg_dump and pg_restore may serve which PostgreSQL server."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.backups.versions import (
    UnknownVersion,
    client_major,
    client_refusal,
    server_major,
)


@pytest.mark.parametrize(
    ("answer", "major"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", 15),
        ("pg_restore (PostgreSQL) 17.2\n", 17),
        ("pg_dump (PostgreSQL) 9.6.24\n", 9),
        ("pg_dump (PostgreSQL) 18beta1\n", 18),
    ],
)
def test_the_major_version_is_read_from_the_programs_answer(answer: str, major: int) -> None:
    assert client_major(answer) == major


def test_an_answer_that_is_not_postgresqls_is_refused() -> None:
    with pytest.raises(UnknownVersion):
        client_major("mysqldump  Ver 10.19 Distrib 10.11.6-MariaDB")


@pytest.mark.parametrize(("number", "major"), [(150020, 15), (170002, 17), (90624, 9)])
def test_the_servers_major_version_comes_from_server_version_num(number: int, major: int) -> None:
    assert server_major(number) == major


@given(client=st.integers(9, 30), server=st.integers(9, 30))
def test_a_client_serves_a_server_of_its_own_version_or_older(client: int, server: int) -> None:
    refusal = client_refusal(program="pg_dump", client=client, server=server)
    assert (refusal is None) == (client >= server)
    if refusal is not None:
        assert f"postgresql-client-{server}" in refusal
