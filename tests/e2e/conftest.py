"""Fixtures of the e2e tier: the real local stack (moto server + SIMPEG simulator + `chalice local`) over HTTP.

One stack per test session (starting it costs seconds); tests that must stop and restart a stack start their
own with `LocalStack.for_tests(data_dir)`. Every test here is marked `e2e`: `pytest -m "not e2e"` skips them.

The browser tests' fixtures are here too: `launch` and `browser` for the employee app (web_phone.py), and for the
admin console `console_tab` and the `world` / `desk` of most of its modules (web_console.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.web_phone import chromium_launcher
from tools.devstack import REPO_DIR, LocalStack, StackUrls
from tools.devstack_http import ApiClient

if TYPE_CHECKING:
    from tests.e2e.web_console import Desk, World

# Playwright's `expect` waits 5 s by default, whatever the context's own timeout. Two test workers, two browsers,
# the face models and two stacks share this machine's two cores in CI, and a page reload with its API calls
# has taken longer than that there: the same checks, given the time an action is given.
EXPECT_TIMEOUT_MS = 15_000


def pytest_configure(config: pytest.Config) -> None:
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser tests skip themselves
        return
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def require_app() -> None:
    """Skip (with the reason) when the app these tests drive is not in the tree."""
    if not (REPO_DIR / "app.py").exists() or not (REPO_DIR / ".chalice" / "config.json").exists():
        pytest.skip("app.py or .chalice/config.json missing: the e2e tests need the Chalice app")


def require_load_data() -> None:
    """Skip (with the reason) unless the app, the shared face photos and the built face models of the load runs
    (bench/load_checkin.py) are all there."""
    from bench.load_checkin import DEFAULT_FACES, default_model_dir

    require_app()
    if not (DEFAULT_FACES / "labels.csv").exists():
        pytest.skip(f"face photos not found at {DEFAULT_FACES.resolve()} (the shared data set is absent)")
    if not (default_model_dir() / "mtcnn_pnet.onnx").exists():
        pytest.skip(f"face models not built in {default_model_dir()} (run the models build first)")


@pytest.fixture(scope="session")
def stack() -> Iterator[StackUrls]:
    require_app()
    with LocalStack.for_tests(simpeg_size=50) as urls:
        yield urls


@pytest.fixture
def api(stack: StackUrls) -> ApiClient:
    """An anonymous client of the session's stack."""
    return ApiClient(stack.api)


@pytest.fixture
def admin(stack: StackUrls) -> ApiClient:
    """A client logged in as the bootstrap super admin."""
    client = ApiClient(stack.api)
    resp = client.login_admin(stack.admin_username, stack.admin_password)
    assert resp.status == 200, resp.raw
    return client


# The browsers: one Playwright per module (its sync API does not nest), so a module drives either the employee app
# (`launch`, `browser`) or the admin console (`console_tab`), not both.


@pytest.fixture(scope="module")
def launch() -> Iterator[Callable[[Sequence[str]], Any]]:
    """Launches Debian's chromium for the employee app with the arguments given (a fake camera's)."""
    require_app()
    with chromium_launcher() as launch:
        yield launch


@pytest.fixture(scope="module")
def browser(launch: Callable[[Sequence[str]], Any]) -> Any:
    """The employee app's browser, without a camera (a module whose phones need one has a `browser` of its own)."""
    return launch(())


# The admin console's. web_console.py needs Playwright, which the tests without a browser do not: the fixtures
# import it when they run.


@pytest.fixture(scope="module")
def console_browser() -> Iterator[Any]:
    with chromium_launcher("admin") as launch:
        yield launch(())


@pytest.fixture
def console_tab(console_browser: Any) -> Iterator[Callable[..., Desk]]:
    """`console_tab(base_url, viewport=..., missing=...)`: a new admin's tab on the stack at `base_url`
    (`web_console.new_desk`); every tab opened is closed after the test."""
    from tests.e2e.web_console import new_desk

    desks: list[Desk] = []

    def open_tab(base_url: str, **options: Any) -> Desk:
        desks.append(new_desk(console_browser, base_url, **options))
        return desks[-1]

    yield open_tab
    for desk in desks:
        desk.page.context.close()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """A stack of the module's own with one unit, its zone and an enrolled, activated employee
    (`web_console.console_world`)."""
    from tests.e2e.web_console import console_world

    with console_world() as made:
        yield made


@pytest.fixture
def desk(world: World, console_tab: Callable[..., Desk]) -> Callable[..., Desk]:
    """`desk(viewport, admin=..., fake_clock=...)`: a new tab on the world's stack (`web_console.world_desk`)."""
    from tests.e2e.web_console import world_desk

    return functools.partial(world_desk, console_tab, world)
