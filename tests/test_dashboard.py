"""The batch dashboard in a real headless browser (Debian chromium + chromedriver via selenium): it loads offline,
the table sorts, drill-down links resolve, and report text is escaped. Skips when no browser is installed
(.ci/run installs one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HOSTILE_NAME = '<img src=x onerror="window.PWNED=1">_2023.txt'
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed")


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> Path:
    from reviewer.batch.runner import run_batch

    src = tmp_path_factory.mktemp("in")
    for p in FIXTURES.iterdir():
        if p.suffix in (".txt", ".md") and p.is_file():
            shutil.copy(p, src / p.name)
    shutil.copy(FIXTURES / "clean_tab_2023.txt", src / HOSTILE_NAME)
    out = tmp_path_factory.mktemp("out")
    run_batch([str(src)], out, jobs=1)
    return out


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _column(driver, index: int) -> list[str]:
    from selenium.webdriver.common.by import By

    return [
        row.find_elements(By.TAG_NAME, "td")[index].text
        for row in driver.find_elements(By.CSS_SELECTOR, "#reports tbody tr")
    ]


def test_dashboard_loads_sorts_and_links_resolve(batch_dir: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    page = batch_dir / "dashboard.html"
    browser.get(page.as_uri())
    assert browser.title == "政府信息公开年报批量审查"
    rows = browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr")
    assert (
        len(rows) == sum(1 for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md")) + 1
    )  # text fixtures + the hostile copy
    assert browser.find_element(By.ID, "rule-chart").is_displayed()
    headers = browser.find_elements(By.CSS_SELECTOR, "#reports th")
    errors_col = [h.text for h in headers].index("错误")
    headers[errors_col].click()
    asc = [int(v) for v in _column(browser, errors_col)]
    assert asc == sorted(asc)
    headers[errors_col].click()
    desc = [int(v) for v in _column(browser, errors_col)]
    assert desc == sorted(desc, reverse=True) and desc[0] > 0
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#reports a")]
    assert len(links) >= 11
    for href in links:
        assert href.startswith("file://")
        assert Path(href[len("file://") :]).is_file(), href
    browser.get(links[0])
    assert "政府信息公开工作年度报告审查意见" in browser.find_element(By.TAG_NAME, "body").text
    browser.get(page.as_uri())
    browser.save_screenshot(str(batch_dir / "dashboard.png"))
    assert (batch_dir / "dashboard.png").stat().st_size > 10_000


def test_report_text_is_escaped(batch_dir: Path, browser) -> None:
    browser.get((batch_dir / "dashboard.html").as_uri())
    assert browser.execute_script("return window.PWNED === undefined")
    assert HOSTILE_NAME in browser.find_element("tag name", "body").text
