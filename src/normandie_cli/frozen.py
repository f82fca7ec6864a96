"""Frozen, slotted value classes that cost next to nothing to define.

`@dataclass(frozen=True, slots=True)` writes six methods for each class as source text and
compiles them when the module is imported: about 1.8 ms a class here, some 40 ms of every
listing's start-up for the models and filters it needs. `@frozen` makes the same kind of
class from methods compiled once, with the module: it is still a dataclass to
`dataclasses.fields`, `replace` and `asdict`, and a frozen dataclass to mypy
(`dataclass_transform`). Fields take a default or a default factory, nothing more.

As with dataclasses, a `__repr__`, `__eq__`, `__hash__` or `__reduce__` the class writes is
its own and kept; the methods that make a value frozen (`__init__`, `__setattr__`,
`__delattr__`) are refused at once, and so are `__getstate__` and `__setstate__`, which
pickling by constructor call would pass by.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
from collections.abc import Callable
from itertools import repeat
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast, dataclass_transform

if TYPE_CHECKING:
    from inspect import Signature

_T = TypeVar("_T")
_set = object.__setattr__

# What a class may not write: @frozen's own would replace it, or its pickling ignore it.
_REFUSED = ("__init__", "__setattr__", "__delattr__", "__getstate__", "__setstate__")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[_T]) -> type[_T]:
    """Make `cls` a frozen, slotted dataclass whose methods are shared, not generated."""
    own = dict(cls.__dict__)  # what the class writes itself, before dataclasses adds to it
    for name in _REFUSED:
        if name in own:
            raise TypeError(f"{cls.__name__} defines {name}: @frozen writes or passes it by")
    if not cls.__doc__:  # else dataclasses asks inspect for a signature, at some cost
        cls.__doc__ = f"{cls.__name__}({', '.join(own.get('__annotations__', ()))})"
    shaped = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    fields = dataclasses.fields(cast(Any, shaped))
    # dataclasses marks an InitVar with a private constant: checked only where it exists.
    init_only = getattr(dataclasses, "_FIELD_INITVAR", None)
    pseudo = cast(Any, shaped).__dataclass_fields__.values()
    if init_only is not None and any(getattr(f, "_field_type", None) is init_only for f in pseudo):
        # __init__ would neither take it nor pass it to __post_init__
        raise TypeError(f"{cls.__name__}: @frozen takes fields, not init-only variables")
    for f in fields:
        if not (f.init and f.repr and f.compare and f.hash is None and not f.kw_only):
            raise TypeError(f"{cls.__name__}.{f.name}: @frozen takes a default and nothing more")
    names = tuple(f.name for f in fields)
    values = _values_getter(names)
    if "__hash__" in own and own["__hash__"] is None and "__eq__" in own:
        del own["__hash__"]  # what Python writes beside an __eq__, not the class: hash fields
    methods: dict[str, Any] = {
        "__init__": _initializer(names, fields, getattr(cls, "__post_init__", None)),
        "__repr__": _representer(names),
        "__eq__": _comparer(values),
        "__hash__": lambda self: hash(values(self)),
        "__setattr__": _refuse_change,
        "__delattr__": _refuse_change,
        # Pickled as a constructor call: faster to load than the state dictionaries of slots.
        "__reduce__": lambda self: (type(self), values(self)),
        "__signature__": _Signature(fields),
    }
    for name, method in methods.items():
        if name not in own:  # a method the class writes is its own, as dataclasses keep it
            setattr(shaped, name, method)
    return shaped


class _Signature:
    """The signature of a @frozen class's constructor, as dataclasses would write it (what
    inspect.signature, help() and Hypothesis's builds read); made when first asked for, as
    few ever ask, then kept."""

    __slots__ = ("fields", "made")

    def __init__(self, fields: tuple[dataclasses.Field[Any], ...]) -> None:
        self.fields = fields
        self.made: Signature | None = None

    def __get__(self, instance: object, owner: type | None = None) -> Signature:
        if self.made is None:
            from inspect import Parameter, Signature

            def default(f: dataclasses.Field[Any]) -> Any:
                if f.default_factory is not dataclasses.MISSING:
                    return getattr(dataclasses, "_HAS_DEFAULT_FACTORY", Parameter.empty)
                return Parameter.empty if f.default is dataclasses.MISSING else f.default

            kind = Parameter.POSITIONAL_OR_KEYWORD
            self.made = Signature(
                [
                    Parameter(f.name, kind, default=default(f), annotation=f.type)
                    for f in self.fields
                ],
                return_annotation=None,
            )
        return self.made


def _values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The field values as one tuple, read in C (`attrgetter` of one name gives no tuple)."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda record: (one(record),)
    getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    return getter


def _initializer(
    names: tuple[str, ...],
    fields: tuple[dataclasses.Field[Any], ...],
    post_init: Callable[[Any], None] | None,
) -> Callable[..., None]:
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    factories = {
        f.name: f.default_factory for f in fields if f.default_factory is not dataclasses.MISSING
    }
    count = len(names)
    field_names = frozenset(names)

    def every_value(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """The arguments as one value per field, in order, defaults filled in."""
        if len(args) > count:
            raise TypeError(
                f"{cls.__name__}() takes {count} positional arguments, {len(args)} given"
            )
        rest = []
        for name in names[len(args) :]:
            if name in kwargs:
                rest.append(kwargs.pop(name))
            elif name in defaults:
                rest.append(defaults[name])
            elif name in factories:
                rest.append(factories[name]())
            else:
                raise TypeError(f"{cls.__name__}() is missing the argument {name!r}")
        if kwargs:  # a name not a field, or one given both by position and by keyword
            raise TypeError(f"{cls.__name__}() got an unexpected argument {next(iter(kwargs))!r}")
        return (*args, *rest)

    def __init__(self: Any, /, *args: Any, **kwargs: Any) -> None:
        if not args and len(values := defaults | kwargs) == count and kwargs.keys() <= field_names:
            any(map(_set, repeat(self), values.keys(), values.values()))  # how the TOML is read
        else:
            if kwargs or len(args) != count:  # (every value by position: how pickles load)
                args = every_value(type(self), args, kwargs)
            any(map(_set, repeat(self), names, args))  # the sets run in C; each gives None
        if post_init is not None:
            post_init(self)

    return __init__


def _representer(names: tuple[str, ...]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()  # a value within itself is shown '...', as dataclasses show it
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    return __repr__


def _comparer(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, object], Any]:
    def __eq__(self: Any, other: object) -> Any:
        if type(other) is not type(self):
            return NotImplemented
        return values(self) == values(other)

    return __eq__


def _refuse_change(self: object, name: str, *value: object) -> NoReturn:
    raise dataclasses.FrozenInstanceError(f"cannot change field {name!r}: the value is frozen")
