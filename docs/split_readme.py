#!/usr/bin/env python3
"""One-off: moves the long README's sections into docs/ pages (run once, from the repository root)."""
import re, sys, pathlib

PAGES = [  # (heading prefix, page, title of the page or None to keep the heading as the title)
    ("Use it in a Vert.x application", "getting-started/vertx.md", "Getting started: a Vert.x application"),
    ("Use it in a Spring Boot application", "getting-started/spring-boot.md", "Getting started: Spring Boot"),
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

SUBPAGES = [  # ### sections that get a page of their own: (heading prefix, page)
    ("Upgrades", "operations/upgrades.md"),
]

def slug(text):
    text = re.sub(r"[`*_]", "", text.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s+", "-", text)

def main():
    readme = pathlib.Path("README.md").read_text().split("\n")
    sections, current, fence, parent = [], None, False, None
    for line in readme:
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            current = [line[3:].strip(), [], None]
            parent = current
            sections.append(current)
        elif not fence and line.startswith("### ") and any(line[4:].startswith(p) for p, _ in SUBPAGES):
            page = next(pg for p, pg in SUBPAGES if line[4:].startswith(p))
            current = [line[4:].strip(), [], page]
            sections.append(current)
        elif not fence and line.startswith("### ") and current is not parent:
            current = [parent[0], [line], None]
            current.append("continued")
            sections.append(current)
        elif current is not None:
            current[1].append(line)
    pages, anchors = {}, {}
    for heading, body, subpage, *continued in sections:
        page = subpage or next((p for prefix, p, _ in PAGES if heading.startswith(prefix)), None)
        if page is None:
            sys.exit("no page for section: " + heading)
        title = heading if subpage else (next(t for prefix, p, t in PAGES if heading.startswith(prefix)) or heading)
        if continued:
            title = None
        if not continued:
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
            if title is not None:
                out.append(("# " if i == 0 else "## ") + title)
            for line in body:
                if line.startswith("### ") and (i == 0 or title is None):
                    line = "## " + line[4:]
                elif line.startswith("### "):
                    line = "### " + line[4:]
                line = re.sub(r"\[([^\]]+)\]\((?!https?:|#|docs/)([^)]+)\)", repo_link, line)
                line = re.sub(r"\]\(docs/", "](" + up, line)
                line = re.sub(r"\]\(#([\w-]+)\)", lambda m: "](" + rel(page, anchors.get(m.group(1), page + "#" + m.group(1))) + ")", line)
                out.append(line)
        path = pathlib.Path("docs") / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out).rstrip() + "\n")
        print("wrote", path)

def repo_link(m):
    """A link to a file of the repository outside docs/ (spool.yaml, examples/README.md): named, not linked."""
    text, target = m.group(1), m.group(2)
    if text.strip("`") == target:
        return text + " (in the repository)"
    return text + " (`" + target + "` in the repository)"

def rel(src, target):
    page, _, frag = target.partition("#")
    if page == src:
        return "#" + frag if frag else "#"
    up = "../" * src.count("/")
    return up + page + ("#" + frag if frag else "")

main()
