"""`@frozen` classes behave as `@dataclass(frozen=True, slots=True)` ones do, compared side by
side on any values: construction, equality, hashing, repr, replace, pickling, and refusing
every change."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from typing import Any, ClassVar

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
class Reduced:
    """Pickled as its successor: a class's own __reduce__ is its own to keep."""

    number: int

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reduced, (self.number + 1,))


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


def generated(cls: type[Any]) -> type[Any]:
    return dataclass(frozen=True, slots=True)(cls)


def own_methods(decorate: Callable[[type[Any]], type[Any]]) -> type[Any]:
    """A class that writes its own repr, equality and hash: names equal whatever their case."""

    @decorate
    class Own:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own) and other.name.casefold() == self.name.casefold()

        def __hash__(self) -> int:
            return hash(self.name.casefold())

    return Own


def own_equality(decorate: Callable[[type[Any]], type[Any]]) -> type[Any]:
    """A class that writes its equality but no hash: the hash is the fields' again."""

    @decorate
    class Same:
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Same)

    return Same


@given(names, names)
def test_a_method_the_class_writes_is_kept_as_dataclasses_keep_it(name: str, other: str) -> None:
    for make in (own_methods, own_equality):
        made, generated_class = make(frozen), make(generated)
        one, two = made(name), made(other)
        three, four = generated_class(name), generated_class(other)
        assert repr(one).rpartition(".")[2] == repr(three).rpartition(".")[2]
        assert (one == two) is (three == four)
        assert (hash(one) == hash(two)) is (hash(three) == hash(four))
        assert hash(one) == hash(three)


def test_a_class_that_writes_its_own_reduce_is_pickled_its_way() -> None:
    assert pickle.loads(pickle.dumps(Reduced(2))) == Reduced(3)


@pytest.mark.parametrize(
    "method", ["__init__", "__setattr__", "__delattr__", "__getstate__", "__setstate__"]
)
def test_a_method_frozen_must_write_is_refused_at_once(method: str) -> None:
    with pytest.raises(TypeError, match=method):
        frozen(type("Mine", (), {"__annotations__": {"a": "int"}, method: lambda *_: None}))


def test_an_init_only_variable_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="init-only"):

        @frozen
        class Given:
            year: int
            check: InitVar[bool] = True


def test_a_class_variable_is_no_field() -> None:
    @frozen
    class Counted:
        made: ClassVar[int] = 0
        name: str

    assert Counted("x") == Counted(name="x")
    assert Counted.made == 0
    assert [f.name for f in dataclasses.fields(Counted)] == ["name"]


def test_a_class_without_fields_is_a_value() -> None:
    @frozen
    class Nothing:
        pass

    assert Nothing() == Nothing()
    assert hash(Nothing()) == hash(())
    assert repr(Nothing()).endswith("Nothing()")
    assert copy.deepcopy(Nothing()) == Nothing()
    with pytest.raises(TypeError):
        Nothing(1)


@frozen
class Nest:
    items: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GeneratedNest:
    items: list[Any] = field(default_factory=list)


class Back:
    """A holder that shows what it holds with no guard against showing itself."""

    def __init__(self, held: object) -> None:
        self.held = held

    def __repr__(self) -> str:
        return f"Back({self.held!r})"


@given(st.lists(st.sampled_from(["itself", "back", "text"]), max_size=4))
def test_a_value_within_itself_is_shown_as_the_dataclasses_show_it(placed: list[str]) -> None:
    made, generated_value = Nest(), GeneratedNest()
    for value in (made, generated_value):
        for kind in placed:
            value.items.append({"itself": value, "back": Back(value), "text": "x"}[kind])
    assert repr(made).removeprefix("Nest") == repr(generated_value).removeprefix("GeneratedNest")


def test_the_signature_is_the_dataclasses() -> None:
    assert str(inspect.signature(Made)) == str(inspect.signature(Generated))
    assert inspect.signature(Made) == inspect.signature(Generated)
    assert inspect.signature(Nest) == inspect.signature(GeneratedNest)
    assert str(inspect.signature(Startup)).startswith("(id: 'str', name: 'str', sources:")
