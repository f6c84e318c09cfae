#!/usr/bin/env python3
"""One-off: moves the long README's sections into docs/ pages (run once, from the repository root)."""
import re, sys, pathlib

PAGES = [  # (heading prefix, page, title of the page or None to keep the heading as the title)
    ("Use it in a Vert.x application", "getting-started/vertx.md", "Getting started: a Vert.x application"),
    ("Spring Boot", "getting-started/spring-boot.md", None),
    ("The fat jar", "getting-started/fat-jar.md", "Getting started: the fat jar"),
    ("Crash safety", "operations/crash-safety.md", None),
    ("Upgrades", "operations/upgrades.md", None),
    ("Configuration", "guides/configuration.md", None),
    ("Jobs that compose", "guides/workflows.md", None),
    ("Blocking handlers", "guides/handlers.md", None),
    ("Scheduling and flow control", "guides/scheduling.md", None),
    ("Testing your jobs", "guides/testing.md", None),
    ("Operations", "operations/index.md", None),
    ("Tracing", "operations/tracing.md", None),
    ("Healthy when vacuum", "operations/vacuum-horizon.md", None),
    ("Performance", "performance.md", None),
    ("Layout", "development.md", "Development: layout and design notes"),
]

def slug(text):
    text = re.sub(r"[`*_]", "", text.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s+", "-", text)

def main():
    readme = pathlib.Path("README.md").read_text().split("\n")
    sections, current, fence = [], None, False
    for line in readme:
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            current = [line[3:].strip(), []]
            sections.append(current)
        elif current is not None:
            current[1].append(line)
    pages, anchors = {}, {}
    for heading, body in sections:
        page = next((p for prefix, p, _ in PAGES if heading.startswith(prefix)), None)
        if page is None:
            sys.exit("no page for section: " + heading)
        title = next(t for prefix, p, t in PAGES if heading.startswith(prefix)) or heading
        anchors[slug(heading)] = page
        infence = False
        for line in body:
            if line.startswith("```"):
                infence = not infence
            if not infence and line.startswith("### "):
                anchors[slug(line[4:])] = page + "#" + slug(line[4:])
        pages.setdefault(page, []).append((title, body))
    for page, parts in pages.items():
        depth = page.count("/")
        up = "../" * depth
        out = []
        for i, (title, body) in enumerate(parts):
            out.append(("# " if i == 0 else "## ") + title)
            for line in body:
                if line.startswith("### ") and i == 0:
                    line = "## " + line[4:]
                elif line.startswith("### "):
                    line = "### " + line[4:]
                line = re.sub(r"\]\(docs/", "](" + up, line)
                line = re.sub(r"\]\(#([\w-]+)\)", lambda m: "](" + rel(page, anchors.get(m.group(1), page + "#" + m.group(1))) + ")", line)
                line = re.sub(r"\[(`?[^\]]+`?)\]\((?!https?:|\.\./|[\w/-]+\.md|#)([^)]+)\)", r"\1 (`\2` in the repository)", line)
                out.append(line)
        path = pathlib.Path("docs") / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out).rstrip() + "\n")
        print("wrote", path)

def rel(src, target):
    page, _, frag = target.partition("#")
    if page == src:
        return "#" + frag if frag else "#"
    up = "../" * src.count("/")
    return up + page + ("#" + frag if frag else "")

main()
