"""The shape of the code: core/ is the program without a window, modules do not import each
other in circles (not even from inside a function, where a circle hides until it bites at
run time), no module reaches into another's private names, and no legal or counting rule is
written in gui/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
PACKAGES = ("core", "gui", "bench")


def _modules(root: Path = ROOT, packages=PACKAGES) -> dict[str, Path]:
    out = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _package_of(name: str, modules: dict[str, Path]) -> str:
    return name if modules[name].name == "__init__.py" else name.rpartition(".")[0]


def _imports(name: str, modules: dict[str, Path] = MODULES):
    """(imported module, names taken from it, line) for every import in module `name`,
    at any depth (functions included), resolved to project modules only."""
    tree = ast.parse(modules[name].read_text("utf-8"), filename=str(modules[name]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(name, modules).split(".")
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            if base not in modules:
                continue
            plain = []
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:       # a submodule, not a name
                    yield f"{base}.{alias.name}", (), node.lineno
                else:
                    plain.append(alias.name)
            if plain:
                yield base, tuple(plain), node.lineno


def _graph(modules: dict[str, Path] = MODULES) -> dict[str, set[str]]:
    graph = {name: set() for name in modules}
    for name in modules:
        for target, _names, _line in _imports(name, modules):
            if target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_core_imports_nothing_from_pyside6():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "gui")]
    assert offenders == []


def test_no_modules_import_each_other_in_a_circle():
    """A package's __init__ importing its own submodules, and those importing siblings, is
    fine; two modules needing each other, directly or round a longer loop, is not."""
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_circle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _private_uses(modules: dict[str, Path] = MODULES) -> list[str]:
    offenders = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"))
        module_aliases = {}
        for target, names, line in _imports(name, modules):
            offenders += [f"{name}:{line} {target}.{n}" for n in names if _private(n)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        # `import a.b` binds `a`; `import a.b as m` binds m to a.b
                        bound = alias.asname or alias.name.split(".")[0]
                        module_aliases[bound] = alias.name if alias.asname else bound
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in modules:
                        module_aliases[alias.asname or alias.name] = full
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            target = _dotted(node.value, module_aliases)
            if target in modules and target != name:
                offenders.append(f"{name}:{node.lineno} {target}.{node.attr}")
    return offenders


def _dotted(node, aliases: dict[str, str]) -> str | None:
    """The module an expression like `store` or `core.store` names, through the aliases."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return None if base is None else f"{base}.{node.attr}"
    return None


def test_no_private_name_is_used_from_another_module():
    """`from core.store import _is_network_path` or `store._x` from another module: a private
    name is the module's to change without telling anyone."""
    assert _private_uses() == []


def _private(attr: str) -> bool:
    return attr.startswith("_") and not attr.startswith("__")


# A module-level constant in gui/ whose name says it is a rule (a limit, a cap, a range of
# years, a number of days or hours, a rate) belongs in core/, where every entry path uses it.
_RULE_NAME = re.compile(r"(LIMIT|MAX|MIN|CAP|FIRST_YEAR|LAST_YEAR|DAYS|HOURS|RATE|THRESHOLD|DEADLINE)")


def _rule_constants(source: str) -> list[str]:
    """Module-level UPPER_CASE names given a number whose name says they are a rule."""
    out = []
    for node in ast.parse(source).body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        value = getattr(node, "value", None)
        if value is None or not any(isinstance(n, ast.Constant) and type(n.value) in (int, float)
                                    for n in ast.walk(value)):
            continue
        out += [f"{node.lineno} {t.id}" for target in targets for t in ast.walk(target)
                if isinstance(t, ast.Name) and t.id.isupper() and _RULE_NAME.search(t.id)]
    return out


def test_no_rule_constant_is_defined_in_gui():
    offenders = [f"{name}:{hit}" for name, path in MODULES.items() if name.startswith("gui")
                 for hit in _rule_constants(path.read_text("utf-8"))]
    assert offenders == []


def test_the_rule_finder_sees_a_training_norm_typed_into_a_window():
    assert _rule_constants("TRAINING_HOURS_EXPECTED = 60\nPAGE = 50\nFIRST_YEAR, LAST_YEAR = 2000, 2100\n") \
        == ["1 TRAINING_HOURS_EXPECTED", "3 FIRST_YEAR", "3 LAST_YEAR"]


# --- the checks fail on a bad module -----------------------------------------------------
# A synthetic project written to a temporary folder: each check above must name what is
# wrong in it, so that a green run means "nothing wrong", not "nothing looked at".

BAD_PROJECT = {
    "core/__init__.py": "",
    "core/a.py": "def later():\n    from core import b      # hidden in a function\n    return b\n",
    "core/b.py": "import core.a\n\nVALUE = 1\n",
    "core/c.py": "_secret = 1\n",
    "core/d.py": "from core.c import _secret\n",
    "core/e.py": "import core.c\nimport core.c as cc\n\nX = core.c._secret + cc._secret\n",
    "gui/__init__.py": "",
    "gui/form.py": "MAX_FINE_YUAN = 3000   # a rule typed into a window\nTITLE = '罚款'\n",
}


def _bad_project(tmp_path: Path) -> dict[str, Path]:
    for relative, text in BAD_PROJECT.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return _modules(tmp_path, ("core", "gui"))


def test_the_checks_fail_on_a_cycle_hidden_in_a_function(tmp_path):
    assert _cycles(_graph(_bad_project(tmp_path))) == [["core.a", "core.b"]]


def test_the_checks_fail_on_private_names_taken_from_another_module(tmp_path):
    assert sorted(_private_uses(_bad_project(tmp_path))) == [
        "core.d:1 core.c._secret", "core.e:4 core.c._secret", "core.e:4 core.c._secret"]


def test_the_checks_fail_on_a_rule_constant_in_gui(tmp_path):
    modules = _bad_project(tmp_path)
    assert [f"{name}:{hit}" for name, path in modules.items() if name.startswith("gui")
            for hit in _rule_constants(path.read_text("utf-8"))] == ["gui.form:1 MAX_FINE_YUAN"]


def _writing_calls(modules: dict[str, Path] = MODULES) -> list[str]:
    """Calls in gui/ that open a writing session or commit, outside gui.operations."""
    out = []
    for name, path in modules.items():
        if not name.startswith("gui") or name == "gui.operations":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            # session.commit() takes nothing; ImportPlan.commit(session) is not a commit
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("session", "commit", "begin")
                    and not node.args and not node.keywords):
                out.append(f"{name}:{node.lineno} .{node.func.attr}()")
    return out


def test_every_change_in_gui_goes_through_the_one_operation_api():
    """Only gui.operations opens a writing session (store.session()) or commits; the rest
    of gui/ reads through store.read_session() and changes through an Operation."""
    assert _writing_calls() == []


def test_the_writer_check_sees_a_session_opened_in_a_view(tmp_path):
    path = tmp_path / "gui" / "view.py"
    path.parent.mkdir(parents=True)
    path.write_text("def save(store, plan):\n    with store.session() as s:\n        s.commit()\n"
                    "        plan.commit(s)\n", "utf-8")
    assert _writing_calls(_modules(tmp_path, ("gui",))) == [
        "gui.view:2 .session()", "gui.view:3 .commit()"]
