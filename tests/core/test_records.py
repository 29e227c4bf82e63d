"""`core.records.write`: a failed condition is reported by the item's name,
wherever PynamoDB puts the item in the request."""
import pytest

from chalicelib.core.errors import Conflict, NotFound


class Named(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def _clinic(key="sunrise"):
    from chalicelib.models import ClinicModel

    return ClinicModel(key, clinic_id=key.upper(), name=key, created_at=1)


def test_the_failed_item_is_found_by_name_whatever_its_kind_and_order(aws, seeded):
    """Items are added as put, update, check, delete; PynamoDB sends them as checks,
    deletes, puts, updates. Only one condition fails each time: its name is reported."""
    from chalicelib.core.records import write
    from chalicelib.models import ClinicModel as C
    from chalicelib.models import TokenModel

    names = ["put", "update", "check", "delete"]
    for failing in names:
        def build(tx, failing=failing):
            ok, bad = C.clinic_key.exists(), C.clinic_key.does_not_exist()  # on existing clinics
            new_ok, new_bad = C.clinic_key.does_not_exist(), C.clinic_key.exists()  # on a new one
            tx.save("put", _clinic("newclinic"), condition=new_bad if failing == "put" else new_ok)
            tx.update("update", _clinic("sunrise"), actions=[C.name.set("Sunrise")],
                      condition=bad if failing == "update" else ok)
            tx.check("check", C, "lakeside", condition=bad if failing == "check" else ok)
            tx.delete("delete", TokenModel("no-such-token"),
                      condition=TokenModel.token_hash.exists() if failing == "delete" else None)
        with pytest.raises(Named) as caught:
            write(build, failed={name: (lambda n=name: Named(n)) for name in names})
        assert caught.value.name == failing
    assert C.count("newclinic") == 0  # nothing of any attempt was written


def test_the_first_listed_name_wins_and_an_unlisted_failure_is_not_hidden(aws, seeded):
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.records import write
    from chalicelib.models import ClinicModel as C

    def build(tx):
        tx.check("a", C, "nowhere", condition=C.clinic_key.exists())
        tx.check("b", C, "nowhere-either", condition=C.clinic_key.exists())

    with pytest.raises(Named) as caught:
        write(build, failed={"b": lambda: Named("b"), "a": lambda: Named("a")})
    assert caught.value.name in ("a", "b")
    with pytest.raises(TransactWriteError):
        write(build, failed={"other": lambda: Named("other")})


def test_stale_tells_gone_from_changed():
    from chalicelib.core.records import stale

    assert isinstance(stale(lambda: None, lambda: NotFound("gone"))(), NotFound)
    error = stale(lambda: object(), lambda: NotFound("gone"))()
    assert isinstance(error, Conflict) and error.code == "conflict"
