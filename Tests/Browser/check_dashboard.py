#!/usr/bin/env python3
"""Drives the AEO Hub dashboard in a real browser (Chromium, headless, through chromedriver).

Usage: check_dashboard.py BASE_URL SCREENSHOT_DIR [MEETING_ID]

Loads every page in Chinese and English, and the report and a meeting record; prints one JSON object:
for each page its title, the figures shown (by data-key), the rows of each section, the browser's
console errors, and whether Chinese glyphs rendered (two different characters must not draw the
same picture, as the boxes of a missing font do). Writes a screenshot of each page (desktop, and
the overview on a phone's width) and the report printed to PDF."""
import base64
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.common.by import By

PAGES = ["", "requests", "cases", "audits", "meetings", "credit", "units", "report"]

GLYPHS_JS = """
const family = getComputedStyle(document.body).fontFamily;
function draw(ch) {
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const context = canvas.getContext('2d');
  context.font = '40px ' + family;
  context.fillText(ch, 2, 42);
  return canvas.toDataURL();
}
const pictures = ['厦', '门', '海', '关'].map(draw);
return {family: family, distinct: new Set(pictures).size, width: document.fonts.check('16px ' + family, '厦门')};
"""

def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def read_page(driver):
    figures = {element.get_attribute("data-key"): element.find_element(By.CLASS_NAME, "value").text
               for element in driver.find_elements(By.CSS_SELECTOR, ".figure")}
    sections = {element.get_attribute("data-section"): len(element.find_elements(By.CSS_SELECTOR, "tbody tr"))
                for element in driver.find_elements(By.CSS_SELECTOR, "section[data-section]")}
    return {"title": driver.title, "h1": driver.find_element(By.TAG_NAME, "h1").text, "figures": figures,
            "sections": sections, "errors": errors(driver), "glyphs": driver.execute_script(GLYPHS_JS),
            "lang": driver.find_element(By.TAG_NAME, "html").get_attribute("lang")}


def main():
    base, folder = sys.argv[1].rstrip("/"), sys.argv[2]
    meeting = sys.argv[3] if len(sys.argv) > 3 else None
    os.makedirs(folder, exist_ok=True)
    result = {"pages": {}}
    driver = browser(1280, 900)
    try:
        for language in ["zh", "en"]:
            for page in PAGES:
                driver.get(f"{base}/{page}?lang={language}")
                name = f"{page or 'overview'}-{language}"
                result["pages"][name] = read_page(driver)
                driver.save_screenshot(os.path.join(folder, f"{name}.png"))
        if meeting:
            driver.get(f"{base}/meetings/{meeting}")
            result["pages"]["meeting-record"] = read_page(driver)
            driver.save_screenshot(os.path.join(folder, "meeting-record.png"))
        driver.get(f"{base}/report")
        pdf = driver.print_page()
        with open(os.path.join(folder, "report.pdf"), "wb") as out:
            out.write(base64.b64decode(pdf))
        result["report_pdf_bytes"] = os.path.getsize(os.path.join(folder, "report.pdf"))
    finally:
        driver.quit()
    phone = browser(390, 844)
    try:
        phone.get(f"{base}/")
        result["phone"] = {"scroll_width": phone.execute_script("return document.documentElement.scrollWidth"),
                           "inner_width": phone.execute_script("return window.innerWidth")}
        phone.save_screenshot(os.path.join(folder, "overview-phone.png"))
    finally:
        phone.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
