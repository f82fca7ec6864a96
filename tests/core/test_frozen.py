"""`@frozen` classes behave as `@dataclass(frozen=True, slots=True)` ones do, compared side by
side on any values: construction, equality, hashing, repr, replace, pickling, and refusing
every change."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normandie_cli.frozen import frozen
from normandie_cli.models import PartialDate, Startup


@frozen
class Made:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    kinds: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Generated:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    kinds: frozenset[str] = field(default_factory=frozenset)


@frozen
class Noted:
    notes: list[str] = field(default_factory=list)


@frozen
class Checked:
    year: int

    def __post_init__(self) -> None:
        if self.year < 0:
            raise ValueError("no negative year")


names = st.text(max_size=8)
counts = st.integers(-3, 3)
tag_tuples = st.lists(st.sampled_from("ab"), max_size=2).map(tuple)


def both(*args: Any, **kwargs: Any) -> tuple[Made, Generated]:
    return Made(*args, **kwargs), Generated(*args, **kwargs)


@given(names, counts, tag_tuples, names, counts, tag_tuples)
def test_equality_hash_and_repr_are_the_dataclasses(
    name: str, count: int, tags: tuple[str, ...], other: str, other_count: int, others: Any
) -> None:
    made, generated = both(name, count, tags=tags)
    made_again, generated_again = both(other, other_count, others)
    assert (made == made_again) is (generated == generated_again)
    assert (made != made_again) is (generated != generated_again)
    assert repr(made).removeprefix("Made") == repr(generated).removeprefix("Generated")
    assert dataclasses.astuple(made) == dataclasses.astuple(generated)
    assert dataclasses.asdict(made) == dataclasses.asdict(generated)
    if made == made_again:
        assert hash(made) == hash(made_again)


@given(names, counts, tag_tuples)
def test_replace_pickle_and_copy_give_equal_values(
    name: str, count: int, tags: tuple[str, ...]
) -> None:
    made = Made(name, count, tags)
    assert pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)) == made
    assert copy.copy(made) == made
    assert copy.deepcopy(made) == made
    changed = dataclasses.replace(made, count=count + 1)
    assert (changed.name, changed.count, changed.tags) == (name, count + 1, tags)
    assert made.count == count


def test_a_value_is_never_equal_to_another_class_with_the_same_fields() -> None:
    made, generated = both("x")
    assert made != generated
    assert generated != made


def test_the_fields_are_the_dataclasses() -> None:
    assert [f.name for f in dataclasses.fields(Made)] == ["name", "count", "tags", "kinds"]
    assert dataclasses.is_dataclass(Made("x"))
    assert Made.__match_args__ == Generated.__match_args__
    assert not hasattr(Made("x"), "__dict__")  # slotted, as before


@pytest.mark.parametrize("cls", [Made, Generated])
def test_no_field_can_be_changed_or_deleted(cls: type[Any]) -> None:
    value = cls("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.count = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        del value.name
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError, TypeError)):
        value.other = 1
    assert value == cls("x")


@pytest.mark.parametrize("cls", [Made, Generated])
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),  # the name is missing
        (("x",), {"name": "y"}),  # given twice
        (("x",), {"colour": "red"}),  # not a field
        (("x", 1, (), frozenset(), "extra"), {}),  # one too many
    ],
)
def test_a_wrong_call_is_a_type_error(
    cls: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        cls(*args, **kwargs)


def test_a_default_factory_gives_each_value_its_own() -> None:
    first, second = Noted(), Noted()
    first.notes.append("mine")
    assert second.notes == []


def test_post_init_checks_every_construction_and_every_unpickling() -> None:
    with pytest.raises(ValueError, match="no negative year"):
        Checked(-1)
    with pytest.raises(ValueError, match="no negative year"):
        dataclasses.replace(Checked(1), year=-1)
    assert pickle.loads(pickle.dumps(Checked(3))) == Checked(3)


def test_a_field_option_it_does_not_honour_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="nothing more"):

        @frozen
        class Hidden:
            secret: str = field(default="", repr=False)


def test_the_models_keep_their_shape() -> None:
    date = PartialDate(2015, 11)
    assert repr(date) == "PartialDate(year=2015, month=11, day=None)"
    assert {date, PartialDate(2015, 11)} == {date}
    with pytest.raises(TypeError):
        Startup(id="x")  # type: ignore[call-arg]


def test_a_field_may_have_the_name_of_a_parameter() -> None:
    @frozen
    class Odd:
        self: str
        args: int = 0
        kwargs: int = 0

    odd = Odd(self="me", kwargs=2)
    assert (odd.self, odd.args, odd.kwargs) == ("me", 0, 2)
    assert Odd("me", 0, 2) == odd
