#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus_{text,markdown,edit}/.

Seeds are small documents that reach the interesting paths: abbreviations,
initials, decimals, quotes, ellipses, URLs, CRLF and CR endings, non-ASCII
text, invalid UTF-8 and NUL (text); every block and inline kind, nesting
and raw HTML (Markdown); and edit sequences over both formats (edit; see
fuzz_edit.c for the record layout).  Run it again after changing them."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

TEXTS = [
    b"",
    b"Hello world.",
    b"Mr. Smith went to Washington. He arrived at 3 p.m. on Jan. 5.",
    b"J. R. R. Tolkien wrote it. The price was $1.50, up 3.5% from 1,000.",
    b"\"Stop!\" she said. \"Why?\" he asked... Then (quietly) he left.",
    b"Visit https://example.com/a.b?c=d. Or mail j.doe@example.org. Done.",
    b"Line one\r\nline two wraps here\r\n\r\nSecond paragraph.\r\n",
    b"Old Mac line\rSecond line\r\rNew paragraph\r",
    "Caf\u00e9 cr\u00e8me co\u00fbte 3,50\u00a0\u20ac. \u00abOui\u00bb, dit-il\u2026 Fin.".encode(),
    "\u65e5\u672c\u8a9e\u306e\u6587\u3002\u4e8c\u3064\u76ee\u3002".encode(),
    b"a\xffb. c\xc3. d\xe2\x82.",
    b"nul\x00byte. here.",
    b"\n\n\n\n\n",
    b"   \t  \n  \n",
    b"U.S. officials met U.K. envoys, e.g. at the U.N. i.e. today.",
    b"Headline\nBy Jane Doe\n\nThe body starts here and is wrapped at a\nfixed width so the lines belong together.\n",
    b"One paragraph per line.\nAnother one here.\nAnd a third.\n",
    b"don't co-operate rock'n'roll -- dashes -- and ... dots ???!!!",
    b"!!!???...,,,;;;:::---",
    b"Ms. Brown (b. 1970) vs. Dr. Green et al. won No. 5 at St. Louis Inc. Ltd. Co.",
    b"x" * 300,
    b"word " * 80 + b".",
    "\u00e9\u0301\u200b\ufeff zero width. \U0001F600 emoji.".encode(),
    b"1.\n2.\n3. three\n",
]

MARKDOWN = [
    b"# Title\n\nA paragraph. Two sentences.\n",
    b"Setext\n======\n\nSub\n---\n",
    b"- one\n- two\n  - nested. Deep.\n- three\n",
    b"1. first\n2. second\n\n   continued.\n",
    b"> quote. More.\n> > nested quote.\n",
    b"```lua\nlocal x = 1\n```\n\n    indented code\n",
    b"*em* **strong** `code` [link](http://x.y \"t\") ![img](a.png)\n",
    b"<div>raw html</div>\n\ntext <span>inline</span> here.\n",
    b"line one  \nhard break\\\nnext\n",
    b"&amp; &copy; &#65; \\* escaped \\_ chars.\n",
    b"| a | b |\n|---|---|\n| 1 | 2 |\n",
    b"---\n\n***\n\n___\n",
    b"[ref]: http://example.com\n\nUse [ref] and [text][ref].\n",
    b"> - quote list\n>   1. ordered\n>      > deep\n",
    b"- [ ] task\n- [x] done\n",
    b"<http://auto.link> and <mail@x.org>.\n",
    b"Mr. Smith said *\"Hi.\"* Then left.\n\n## Next\n\nDr. Who.",
    b"> " * 40 + b"deep\n",
    b"- " * 40 + b"deep\n",
    b"[" * 50 + b"x" + b"]" * 50 + b"\n",
    b"*" * 100 + b"\n",
    b"a\r\nb\r\n\r\n# h\r\n",
    b"\xffbad utf8 in markdown\n",
    b"<!-- comment -->\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
    b"Term\n: definition?\n\nfootnote[^1].\n\n[^1]: note.\n",
]

# Inputs fuzz_markdown found, flags byte included (4: replace bad UTF-8
# and NUL): a setext heading whose first line starts with '#', container
# prefixes cmark matches quote by quote and item by item, white space a
# lazy line keeps, link destinations with control bytes, a label of
# white space, '\v' before a destination, a title closed by an escaped
# quote.
MARKDOWN_FOUND = [
    b"\x00#\\_\x01\n_-\n_%r\n-\n\n__",
    b"r>- p\n\t>dp",
    b"\n>\\\n\ty;",
    b"\r>`\n\t`P\x00",
    b"e[](\x1a<)[]()B\x00",
    b"\x0c[f]:<\rH>",
    b"t>>\\\r>\t*H*",
    b"\x0c[\x0c]:\x0f",
    b">>[e]:\x00\r\t`\n`t>",
    b"`[](\x0b<>)[\x03]()pd",
    b"][](\\ '<\\')[]()i]",
    b"e[](\x1a<)(\x1a<)[]()[]()B\x00",
    b"][]( \\'<)( '<)[]()i]",
]


def edit(md, doc, ops):
    """ops: (op, target, i, j, replacement bytes)."""
    out = bytes([1 if md else 0]) + struct.pack("<H", len(doc)) + doc
    for op, target, i, j, r in ops:
        out += bytes([op, target, i, j, len(r)]) + r
    return out


EDITS = [
    edit(0, b"One. Two. Three.", [(0, 1, 0, 3, b"TWO")]),
    edit(0, b"One. Two. Three.", [(1, 0, 0, 0, b"Replaced."), (2, 1, 0, 0, b"")]),
    edit(0, b"A b.\n\nC d.\n\nE f.", [(3, 1, 0, 0, b""), (0, 2, 1, 1, b"<&>")]),
    edit(0, b"Hello world. Again.", [(0, 0, 2, 2, b"INS"), (0, 0, 0, 5, b"x"), (0, 0, 1, 200, b"")]),
    edit(1, b"# Head\n\nPara *em*. Two.\n\n- item one. item two.\n", [(0, 1, 0, 4, b"PARA"), (2, 2, 0, 0, b"")]),
    edit(1, b"> q one. q two.\n\n```\ncode\n```\n", [(1, 0, 0, 0, b"*new* `md`"), (3, 0, 0, 0, b"")]),
    edit(1, b"[link](http://x) text. More.", [(0, 0, 0, 1, b"\xff\x00"), (1, 1, 0, 0, b"<script>")]),
    edit(0, b"x. y. z.", [(2, 0, 0, 0, b""), (2, 1, 0, 0, b""), (2, 2, 0, 0, b""), (1, 0, 0, 0, b"gone?")]),
    edit(1, b"Title\n=====\n\nText. More text.\n", [(0, 0, 0, 0, b"# "), (0, 1, 3, 1, b"rev")]),
    edit(0, "\u00e9t\u00e9. \u00e0 bient\u00f4t.".encode(), [(0, 0, 1, 2, b"X"), (0, 1, 0, 1, b"")]),
]


def write(name, items):
    d = os.path.join(HERE, "corpus_" + name)
    os.makedirs(d, exist_ok=True)
    for k, data in enumerate(items):
        with open(os.path.join(d, "seed%02d" % k), "wb") as f:
            f.write(data)


# Text seeds get a mode byte: 0 auto, 1 blank, 2 line; +4 replaces bad UTF-8.
write("text", [bytes([k % 3 | (4 if k % 4 == 3 else 0) | (8 if k % 2 else 16)]) + t
               for k, t in enumerate(TEXTS)])
write("markdown", [bytes([k % 16]) + m for k, m in enumerate(MARKDOWN)] + MARKDOWN_FOUND)
write("edit", EDITS)
