"""The decision-log site in a real browser: Debian's headless Chromium, driven by selenium, opens
the exported files from disk (file://, no server, no network), searches, filters, follows a
link to a decision, comes back, and saves screenshots (phone-sized) of what a person sees.

Screenshots go to $SITE_SCREENSHOTS when set (CI keeps them), else to the test's tmp folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from app.site import write_site
from tests.site.seed import HOSTILE, seed_week

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = (412, 915)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    for program in (CHROMIUM, CHROMEDRIVER):
        assert Path(program).exists(), (
            f"{program} is missing: apt-get install -y chromium chromium-driver (.ci/run does)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        "--no-proxy-server",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def site(sessions, clock, tmp_path) -> Path:
    seed_week(sessions, clock)
    return write_site(sessions, tmp_path / "site", now=clock.now())


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("SITE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def visible_titles(driver: WebDriver) -> list[str]:
    return [
        item.find_element(By.CSS_SELECTOR, "h2").text
        for item in driver.find_elements(By.CSS_SELECTOR, "li.decision")
        if item.is_displayed()
    ]


def no_alert(driver: WebDriver) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (reading it is the check)


def problems_logged(driver: WebDriver) -> list[str]:
    """What the page wrote to the console: script errors, CSP refusals, missing files."""
    return [entry["message"] for entry in driver.get_log("browser")]


def test_search_filter_follow_a_link_and_come_back(browser, site, screenshots):
    browser.get(site.as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Decisions"
    assert browser.find_element(By.ID, "filters").is_displayed(), "site.js ran under the CSP"
    assert len(visible_titles(browser)) == 4
    assert browser.find_element(By.ID, "count").text == "4 decisions"
    no_alert(browser)
    assert HOSTILE in visible_titles(browser), "a hostile title is shown as text"

    search = browser.find_element(By.ID, "q")
    search.send_keys("replication")  # in the outcome note only
    assert visible_titles(browser) == ["Pick the billing database"]
    search.clear()
    search.send_keys("山田")  # a name: one's decider, and mentioned in the other's context
    assert sorted(visible_titles(browser)) == [
        "Hire a second designer",
        "Pick the billing database",
    ]
    search.send_keys(" ran it")  # every word must match
    assert visible_titles(browser) == ["Pick the billing database"]
    search.clear()
    search.send_keys("no such words")
    assert visible_titles(browser) == []
    assert browser.find_element(By.ID, "none").is_displayed()
    assert browser.find_element(By.ID, "count").text == "0 of 4 decisions match"
    browser.find_element(By.ID, "clear").click()
    assert len(visible_titles(browser)) == 4

    more = browser.find_element(By.ID, "more")
    assert more.get_attribute("open") is None, "a phone shows the search, folds the filters"
    more.find_element(By.TAG_NAME, "summary").click()
    Select(browser.find_element(By.ID, "channel")).select_by_visible_text("#general")
    assert sorted(visible_titles(browser)) == ["Hire a second designer", "Tabs or spaces"]
    Select(browser.find_element(By.ID, "status")).select_by_value("escalated")
    assert visible_titles(browser) == ["Hire a second designer"]
    browser.find_element(By.ID, "clear").click()
    Select(browser.find_element(By.ID, "zone")).select_by_value("local")
    Select(browser.find_element(By.ID, "decider")).select_by_visible_text("Bob")
    assert visible_titles(browser) == ["Pick the billing database"]
    browser.find_element(By.ID, "clear").click()
    browser.execute_script(
        "const to = document.getElementById('to'); to.value = '2026-11-23';"
        "to.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    assert visible_titles(browser) == ["Pick the billing database"]
    browser.find_element(By.ID, "clear").click()

    Select(browser.find_element(By.ID, "channel")).select_by_visible_text("#platform")
    browser.save_screenshot(str(screenshots / "index-filtered.png"))
    browser.find_element(By.LINK_TEXT, "Pick the billing database").click()
    assert browser.current_url.endswith("/decisions/1.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Pick the billing database"
    history = browser.find_element(By.CSS_SELECTOR, "ol.history").text
    assert "Alice opened the decision" in history
    assert "Bob recorded the resolution (open → decided)" in history
    assert "Bob recorded the outcome" in history
    slack = browser.find_element(By.LINK_TEXT, "Open the card in Slack")
    assert slack.get_attribute("href") == "https://acme.slack.com/archives/C0PLATFORM/p12"
    assert "Did not work: Replication lag hurt us" in browser.page_source
    browser.save_screenshot(str(screenshots / "decision.png"))

    browser.back()
    assert browser.find_element(By.ID, "more").get_attribute("open") is not None
    assert Select(browser.find_element(By.ID, "channel")).first_selected_option.text == "#platform"
    assert sorted(visible_titles(browser)) == [HOSTILE, "Pick the billing database"]
    assert problems_logged(browser) == []


def test_hostile_text_stays_text_on_its_own_page(browser, site, screenshots):
    page = site.parent / "decisions" / "4.html"
    browser.get(page.as_uri())
    no_alert(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE
    assert browser.execute_script("return document.scripts.length") == 0
    assert browser.find_elements(By.CSS_SELECTOR, "img, [onerror]") == []
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")]
    assert not any(href.startswith("javascript:") for href in hrefs), hrefs
    assert problems_logged(browser) == []
    browser.save_screenshot(str(screenshots / "hostile.png"))


# WCAG's contrast ratio of every element's own text against the background behind it.
LOW_CONTRAST = """
const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
const luminance = colour => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(channel);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const behind = element => {
  for (; element; element = element.parentElement) {
    const colour = getComputedStyle(element).backgroundColor;
    if (colour !== "transparent" && !/, 0\\)$/.test(colour)) { return colour; }
  }
  return "rgb(255, 255, 255)";
};
const low = [];
for (const element of document.querySelectorAll("body *")) {
  const text = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!text || element.getClientRects().length === 0) { continue; }
  const [a, b] = [luminance(getComputedStyle(element).color), luminance(behind(element))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) { low.push(`${element.tagName} ${ratio.toFixed(2)} ${element.textContent}`); }
}
return low;
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(browser, site, scheme):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    for page in ("index.html", "decisions/1.html", "decisions/2.html", "charter.html"):
        browser.get((site.parent / page).as_uri())
        assert browser.execute_script(LOW_CONTRAST) == [], f"{page} in {scheme} mode"


def test_charts_and_charter_pages_are_complete_and_accessible(browser, site, screenshots):
    browser.get((site.parent / "charts.html").as_uri())
    images = browser.find_elements(By.TAG_NAME, "img")
    assert len(images) == 3
    for image in images:
        assert browser.execute_script("return arguments[0].naturalWidth", image) == 800
        assert len(image.get_attribute("alt")) > 40, "alt text says what the chart shows"
    assert "Bob: 1" in images[1].get_attribute("alt")
    browser.save_screenshot(str(screenshots / "charts.png"))
    browser.get((site.parent / "charter.html").as_uri())
    assert [h.text for h in browser.find_elements(By.TAG_NAME, "h3")] == [
        "Ownership",
        "Candour",
        "Pace <b>",
    ]
    assert "architecture" in browser.find_element(By.TAG_NAME, "table").text
    for page in ("index.html", "charter.html", "charts.html", "decisions/1.html"):
        browser.get((site.parent / page).as_uri())
        assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1, page
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        unlabelled = browser.execute_script(
            "return [...document.querySelectorAll('input, select')]"
            ".filter(e => !document.querySelector(`label[for='${e.id}']`)).length"
        )
        assert unlabelled == 0, page
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= browser.execute_script("return window.innerWidth"), (
            f"{page} scrolls sideways on a phone"
        )
    assert problems_logged(browser) == []
