"""A JSON Schema -> Python predicate compiler for the keywords graf's schemas use.

jsonschema is the authority (it reports the errors); this is its fast path for the common
answer "valid". It writes the schema out as the source of one Python function (plain `if` tests
and `for` loops, every `$ref` inlined except where a schema refers to itself, which becomes a
call) and compiles it once, so a large dashboard costs one pass of straight-line code instead of
a closure call per schema node. In that code every builtin and constant is a local (a keyword
default), a required property is read without an `in` test (its KeyError is the answer "invalid"),
and a property tested in one line is read in that line. A keyword it does not know raises at
compile time, so it can never wave through what jsonschema would reject; a test checks both agree
on the reference dashboards and on many broken variants of them.
"""

from __future__ import annotations

import re
from typing import Any

from graf.validate.compiled import _ANNOTATIONS, Check, _json_equal

_OBJECT = frozenset({"required", "properties", "additionalProperties", "propertyNames", "minProperties",
                     "patternProperties"})
_ARRAY = frozenset({"items", "minItems", "uniqueItems"})
_STRING = frozenset({"minLength", "maxLength", "pattern"})
_NUMBER = frozenset({"minimum", "maximum", "exclusiveMinimum"})
_GENERAL = frozenset({"type", "enum", "const", "$ref", "anyOf", "not", "if", "then", "else"})
_KNOWN = _OBJECT | _ARRAY | _STRING | _NUMBER | _GENERAL

_PYTHON_TYPES = {"string": ("str",), "object": ("dict",), "array": ("list",), "boolean": ("bool",),
                 "null": ("None",), "number": ("int", "float"), "integer": ("int",)}
_MAX_INDENT = 16  # past this depth a subschema becomes its own function (Python allows 20 nested loops)
_MAX_INLINED = 8  # a $ref used more often is called: refs inlined in refs could grow the code exponentially


def compile_schema(root: dict[str, Any]) -> Check:
    return _Writer(root).compile()


class _Writer:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.functions: list[list[str]] = []
        self.constants: dict[str, Any] = {"_json_equal": _json_equal, "_unique": _unique_items}
        self.ref_functions: dict[str, str] = {}
        self.inlining: list[str] = []
        self.inlined: dict[str, int] = {}
        self.names = 0

    def compile(self) -> Check:
        entry = self.function(self.root)
        source = self.source()
        namespace = dict(self.constants)
        exec(compile(source, "<graf.validate.codegen>", "exec"), namespace)
        check: Check = namespace[entry]
        return check

    def source(self) -> str:
        """Every function, each taking the builtins and constants it names as keyword defaults:
        a local is read faster than a global or a builtin, once per value checked."""
        out = []
        for function in self.functions:
            body = "\n".join(function[1:])
            names = [*_BUILTINS, *sorted(set(_CONSTANT.findall(body)) & self.constants.keys())]
            head = function[0][:-2]  # "def _f1(v):" without "):"
            out.append("".join([head, *(f", {name}={name}" for name in names), "):"]))
            out.append(body)
        return "\n".join(out)

    def fresh(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def constant(self, value: Any) -> str:
        name = self.fresh("_c")
        self.constants[name] = value
        return name

    def function(self, schema: Any) -> str:
        name = self.fresh("_f")
        self.define(name, schema)
        return name

    def define(self, name: str, schema: Any) -> None:
        lines = [f"def {name}(v):", "    try:"]
        self.functions.append(lines)  # before the body: a recursive $ref may add functions meanwhile
        body: list[str] = []
        self.statements(schema, "v", body, 2)
        lines.extend(body or ["        pass"])
        # a required property is read without an `in` test first (see object()): its KeyError is the
        # function's "invalid"; no other code here can raise one (every other subscript has its `in`
        # test, and each function called catches its own)
        lines.extend(["    except KeyError:", "        return False", "    return True"])

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def ref_function(self, ref: str) -> str:
        if ref not in self.ref_functions:
            name = self.ref_functions[ref] = self.fresh("_r")
            self.inlining.append(ref)
            self.define(name, self.resolve(ref))
            self.inlining.pop()
        return self.ref_functions[ref]

    # -- one schema as statements that `return False` when `var` fails it --------------------------

    def statements(self, schema: Any, var: str, out: list[str], depth: int,
                   known: frozenset[str] | None = None) -> None:
        """`known`: the Python types `var` can have here (an enclosing test already passed), or None."""
        pad = "    " * depth
        if schema is True:
            return
        if schema is False:
            out.append(f"{pad}return False")
            return
        if not isinstance(schema, dict):
            raise ValueError(f"a schema must be an object or a boolean, got {schema!r}")
        for keyword in schema:
            if keyword not in _KNOWN and keyword not in _ANNOTATIONS:
                raise ValueError(f"keyword {keyword!r} is not supported by the fast path")
        if schema.get("patternProperties"):
            raise ValueError("patternProperties is not supported by the fast path")
        if depth > _MAX_INDENT:
            out.append(f"{pad}if not {self.function(schema)}({var}): return False")
            return
        if "type" in schema:
            names = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
            passing, allowed = _passing(names)
            if known is None or not known <= passing:
                out.append(f"{pad}if not {_type_test(names, var)}: return False")
            known = allowed if known is None else known & allowed
        for keyword, test in (("enum", self.enum), ("const", self.const)):
            if keyword in schema:
                out.append(f"{pad}if not {test(schema[keyword], var)}: return False")
        if "$ref" in schema:
            ref = schema["$ref"]
            self.inlined[ref] = self.inlined.get(ref, 0) + 1
            if ref in self.inlining or self.inlined[ref] > _MAX_INLINED:
                out.append(f"{pad}if not {self.ref_function(ref)}({var}): return False")
            else:
                self.inlining.append(ref)
                self.statements(self.resolve(ref), var, out, depth, known)
                self.inlining.pop()
        if "anyOf" in schema:
            tests = sorted((self.expression(s, var, known) for s in schema["anyOf"]), key=lambda t: t.startswith("_"))
            out.append(f"{pad}if not ({' or '.join(tests) or 'False'}): return False")
        if "not" in schema:
            out.append(f"{pad}if {self.expression(schema['not'], var, known)}: return False")
        if "if" in schema:
            condition = self.expression(schema["if"], var, known)
            then: list[str] = []
            otherwise: list[str] = []
            self.statements(schema.get("then", True), var, then, depth + 1, known)
            self.statements(schema.get("else", True), var, otherwise, depth + 1, known)
            if then or otherwise:
                out.append(f"{pad}if {condition}:")
                out.extend(then or [f"{pad}    pass"])
                if otherwise:
                    out.append(f"{pad}else:")
                    out.extend(otherwise)
        for keywords, family, write in ((_OBJECT, "object", self.object), (_ARRAY, "array", self.array),
                                        (_STRING, "string", self.string), (_NUMBER, "number", self.number)):
            python = _FAMILY[family]
            if not keywords.intersection(schema) or (known is not None and not known & python):
                continue
            if known is not None and known <= python:
                write(schema, var, out, depth)
                continue
            body: list[str] = []
            write(schema, var, body, depth + 1)
            if body:
                out.append(f"{pad}if {_type_test([family], var)}:")
                out.extend(body)

    def object(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        properties = schema.get("properties", {})
        read: list[str] = []  # the properties' tests, after the tests of the whole object
        required = set(schema.get("required", ()))
        for key, sub in properties.items():
            item = self.fresh("x")
            body: list[str] = []
            if key in required:
                self.statements(sub, item, body, depth)
                if body:  # the subscript raises KeyError when the key is missing: see define()
                    required.discard(key)
                    read.append(f"{pad}{item} = {var}[{key!r}]")
                    read.extend(body)
                continue
            self.statements(sub, item, body, depth + 1)
            if body:  # `in` then a subscript: cheaper than .get() for the many properties a body leaves out
                read.append(f"{pad}if {key!r} in {var}:")
                read.extend(_bound(item, f"{var}[{key!r}]", body, pad + "    "))
        for key in schema.get("required", ()):
            if key in required:
                out.append(f"{pad}if {key!r} not in {var}: return False")
        if "minProperties" in schema:
            out.append(f"{pad}if len({var}) < {schema['minProperties']!r}: return False")
        additional = schema.get("additionalProperties", True)
        if additional is False:
            out.append(f"{pad}if not {self.constant(frozenset(properties))}.issuperset({var}): return False")
        out.extend(read)
        if additional not in (True, False):
            key, item = self.fresh("k"), self.fresh("x")
            body = []
            self.statements(additional, item, body, depth + 2)
            if body:
                out.append(f"{pad}for {key}, {item} in {var}.items():")
                out.append(f"{pad}    if {key} not in {self.constant(frozenset(properties))}:")
                out.extend(body)
        if "propertyNames" in schema:
            key = self.fresh("k")
            body = []
            self.statements(schema["propertyNames"], key, body, depth + 1)
            if body:
                out.append(f"{pad}for {key} in {var}:")
                out.extend(body)

    def array(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        if "minItems" in schema:
            out.append(f"{pad}if len({var}) < {schema['minItems']!r}: return False")
        if schema.get("uniqueItems") is True:
            out.append(f"{pad}if not _unique({var}): return False")
        if "items" in schema:
            item = self.fresh("x")
            body: list[str] = []
            self.statements(schema["items"], item, body, depth + 1)
            if body:
                out.append(f"{pad}for {item} in {var}:")
                out.extend(body)

    def string(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        if schema.get("minLength") == 1:  # `var` is a str here
            out.append(f"{pad}if not {var}: return False")
        elif "minLength" in schema:
            out.append(f"{pad}if len({var}) < {schema['minLength']!r}: return False")
        if "maxLength" in schema:
            out.append(f"{pad}if len({var}) > {schema['maxLength']!r}: return False")
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)
            out.append(f"{pad}if {search}({var}) is None: return False")

    def number(self, schema: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        for keyword, fails in (("minimum", "<"), ("maximum", ">"), ("exclusiveMinimum", "<=")):
            if keyword in schema:
                out.append(f"{pad}if {var} {fails} {self.constant(schema[keyword])}: return False")

    # -- one schema as a boolean expression ---------------------------------------------------------

    def expression(self, schema: Any, var: str, known: frozenset[str] | None = None, depth: int = 0) -> str:
        """A test of `var` with no statement: inline for the small schemas (`type`, `const`, `enum`,
        an object of such properties), a call of a function of its own otherwise."""
        if schema is True or schema is False:
            return str(schema)
        inline = self.inline(schema, var, known, depth)
        return inline if inline is not None else f"{self.function(schema)}({var})"

    def inline(self, schema: Any, var: str, known: frozenset[str] | None, depth: int) -> str | None:
        if schema is True:
            return "True"
        if not isinstance(schema, dict) or depth > 3 or not set(schema) - _ANNOTATIONS <= _INLINE:
            return None
        tests = []
        if "type" in schema:
            names = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
            passing, allowed = _passing(names)
            if known is None or not known <= passing:
                tests.append(_type_test(names, var))
            known = allowed if known is None else known & allowed
        if "const" in schema:
            tests.append(self.const(schema["const"], var))
        if "enum" in schema:
            tests.append(self.enum(schema["enum"], var))
        members: list[str] = [f"{key!r} in {var}" for key in schema.get("required", ())]
        if schema.get("additionalProperties") is False:
            members.append(f"{self.constant(frozenset(schema.get('properties', {})))}.issuperset({var})")
        elif schema.get("additionalProperties", True) is not True:
            return None
        for key, sub in schema.get("properties", {}).items():
            test = self.inline(sub, f"{var}[{key!r}]", None, depth + 1)
            if test is None:
                return None
            if test != "True":
                members.append(f"({key!r} not in {var} or {test})")
        if members:
            both = " and ".join(members)
            if known is not None and known <= {"dict"}:
                tests.append(f"({both})")
            else:
                tests.append(f"(type({var}) is not dict or ({both}))")
        return f"({' and '.join(tests)})" if tests else "True"

    def enum(self, members: list[Any], var: str) -> str:
        if all(type(e) in (str, int) for e in members):  # the common case: a set lookup (bools are never members)
            return f"(type({var}) in (str, int, float) and {var} in {self.constant(frozenset(members))})"
        return f"any(_json_equal({var}, e) for e in {self.constant(list(members))})"

    def const(self, value: Any, var: str) -> str:
        if type(value) is str:  # `"const": "row"`: what _json_equal answers for a string
            return f"(type({var}) is str and {var} == {value!r})"
        return f"_json_equal({var}, {self.constant(value)})"


def _bound(item: str, value: str, body: list[str], pad: str) -> list[str]:
    """`body` testing `item`, preceded by `item = value`, or with `value` in place of `item` when the
    body is one line naming it once (a subscript then costs less than a store and a load)."""
    if not body:
        return []
    if len(body) == 1 and sum(1 for m in _ITEMS.finditer(body[0]) if m[0] == item) == 1:
        return [_ITEMS.sub(lambda m: value if m[0] == item else m[0], body[0])]
    return [f"{pad}{item} = {value}", *body]


_LITERAL = r"'(?:[^'\\]|\\.)*'" "|" r'"(?:[^"\\]|\\.)*"'  # a repr()ed str: a key may read like a name
_ITEMS = re.compile(rf"{_LITERAL}|\bx\d+\b")
_CONSTANT = re.compile(r"\b_c\d+\b")
_BUILTINS = ("type", "str", "dict", "list", "int", "float", "bool", "len", "any")
_INLINE = frozenset({"type", "const", "enum", "properties", "required", "additionalProperties"})


def _passing(names: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(the Python types that always pass a `type` of these JSON types, those that may pass):
    a float passes "integer" only when it is whole."""
    python = frozenset(t for name in names for t in _PYTHON_TYPES[name])
    if "integer" in names and "number" not in names:
        return python, python | {"float"}
    return python, python


_FAMILY = {family: _passing([family])[0] for family in ("object", "array", "string", "number")}


def _type_test(names: list[str], var: str) -> str:
    """One test for any list of JSON types (bool is never a number: type(True) is bool); a float
    counts as an integer when it is whole, as in jsonschema."""
    python = list(dict.fromkeys(t for name in names for t in _PYTHON_TYPES[name]))
    tests = [f"{var} is None" if t == "None" else f"type({var}) is {t}" for t in python]
    if "integer" in names and "number" not in names:
        tests.append(f"(type({var}) is float and {var}.is_integer())")
    return tests[0] if len(tests) == 1 else f"({' or '.join(tests)})"


def _unique_items(v: list[Any]) -> bool:
    return not any(_json_equal(a, b) for i, a in enumerate(v) for b in v[i + 1:])
