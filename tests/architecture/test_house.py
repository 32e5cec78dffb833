"""The shape of the house: layers, no import circles, no oversized modules, a settings package
that holds configuration only, a kernel without models. Each test names what to fix."""

from __future__ import annotations


from django.apps import apps

from tests.architecture.imports import LAYERS, PACKAGES, ROOT, cycles, import_graph, layer_of

MAX_MODULE_LINES = 450
CELERY_PAIR = {"tasks", "services"}


def test_every_package_of_the_project_has_its_layer():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "locale"}
    assert packages - PACKAGES == set(), "add the new package to LAYERS in tests/architecture/imports.py"


def test_no_import_circle_but_a_celery_task_and_its_service():
    allowed = [c for c in cycles(import_graph())
               if len(c) == 2 and len({m.rpartition(".")[0] for m in c}) == 1
               and {m.rpartition(".")[2] for m in c} == CELERY_PAIR]
    assert [sorted(c) for c in cycles(import_graph()) if c not in allowed] == []


def test_imports_run_downward_only():
    upward = sorted(f"{source} imports {target}" for source, targets in import_graph().items()
                    for target in targets if layer_of(target) > layer_of(source))
    assert upward == [], "a lower layer must not import a higher one (LAYERS in tests/architecture/imports.py)"


def test_the_kernel_imports_no_app_and_holds_no_model():
    kernel = {module: targets for module, targets in import_graph().items() if module.split(".")[0] == "common"}
    assert kernel, "the kernel package common/ is missing"
    assert sorted({t for targets in kernel.values() for t in targets if not t.startswith("common")}) == []
    assert list(apps.get_app_config("common").get_models()) == []


def test_the_settings_package_holds_configuration_only():
    entries = {path.name for path in (ROOT / "dcr_portal").iterdir() if path.name != "__pycache__"}
    assert entries == {"__init__.py", "settings", "urls.py", "wsgi.py", "celery.py"}


def _modules():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", ".data", "staticfiles"} or "migrations" in parts or "node_modules" in parts:
            continue
        yield path


def test_no_module_over_450_lines():
    oversized = sorted(f"{path.relative_to(ROOT)}: {n} lines" for path in _modules()
                       if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES)
    assert oversized == [], "split these into modules with one job each"


def test_layers_list_no_package_twice():
    seen = [package for layer in LAYERS for package in layer]
    assert len(seen) == len(set(seen))
