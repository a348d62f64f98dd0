#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the HTML reference that `cmake --build build --target docs` wrote:

    checklinks.py HTML_DIR

- every local link (href, src) leads to a file of HTML_DIR, and its #anchor to an id or name
  in that file (the guide bar and the pages made from docs/*.md are raw HTML: qdoc checks none
  of their links);
- every page is ours: a title "... | SocketTask <version>", no Qt version's "Reference
  Documentation" and no Qt Company copyright.
"""
import html
import os
import re
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (line, attribute value)
        self.anchors = set()
        self.title = ""
        self._in_title = False
        self._divs = []  # the open <div>s: whether each is qdoc's table of contents

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            self._divs.append(("class", "toc") in attrs)
        in_toc = any(self._divs)
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.anchors.add(value)
            # qdoc 6.4's own contents box may list a section it did not write (a module's
            # "Namespaces"): not ours to check.
            if in_toc and name == "href" and value.startswith("#"):
                continue
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script"))):
                self.links.append((self.getpos()[0], value))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "div" and self._divs:
            self._divs.pop()
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def main():
    root = sys.argv[1]
    files = sorted(f for f in os.listdir(root) if f.endswith(".html"))
    if "index.html" not in files:
        sys.exit(f"FAIL: no index.html in {root}")
    pages = {}
    texts = {}
    for f in files:
        page = Page()
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            texts[f] = fh.read()
        page.feed(texts[f])
        pages[f] = page

    errors = []
    checked = 0
    for f, page in pages.items():
        if not re.fullmatch(r".+ \| SocketTask \d+\.\d+\.\d+|SocketTask", page.title.strip()):
            errors.append(f"{f}: the title {page.title.strip()!r} is not '... | SocketTask <version>'")
        if re.search(r"Qt \d+\.\d+(\.\d+)? Reference Documentation", texts[f]):
            errors.append(f"{f}: says it is Qt's Reference Documentation")
        if re.search(r"&copy;</acronym>\s*\d{4} The Qt Company", texts[f]):
            errors.append(f"{f}: carries The Qt Company's copyright")
        for line, link in page.links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", link):
                continue  # https:, mailto:, ...: outside
            path, _, anchor = html.unescape(link).partition("#")
            target = os.path.normpath(os.path.join(root, path)) if path else os.path.join(root, f)
            checked += 1
            if not os.path.isfile(target):
                errors.append(f"{f}:{line}: {link}: no such file")
                continue
            if anchor and target.endswith(".html"):
                if anchor not in pages[os.path.relpath(target, root)].anchors:
                    errors.append(f"{f}:{line}: {link}: no anchor {anchor!r} there")
    for e in errors:
        print("FAIL:", e)
    if errors:
        sys.exit(1)
    print(f"PASS: {len(files)} pages, {checked} local links")


if __name__ == "__main__":
    main()
