"""Which files of a drop folder are imported together (lines + client file).

A profile names its files with two patterns where '*' stands for any text:
``transactions-*.csv`` and ``clients-*.csv`` pair ``transactions-0314.csv``
with ``clients-0314.csv`` (the client file's '*' takes the lines file's).
Without a client pattern every file matching the lines pattern is imported
alone. Pure Python.
"""

import re


def _regex(pattern):
    return re.compile("^" + "(.*)".join(re.escape(part) for part in pattern.split("*")) + "$")


def client_name_for(lines_name, lines_pattern, client_pattern):
    """The client file name paired with ``lines_name``, or None when it does
    not match the lines pattern."""
    match = _regex(lines_pattern or "*").match(lines_name)
    if not match:
        return None
    pieces = client_pattern.split("*")
    groups = [*match.groups(), *[""] * len(pieces)]
    return pieces[0] + "".join(g + piece for g, piece in zip(groups, pieces[1:], strict=False))


def pair_files(names, lines_pattern, client_pattern):
    """([(lines name, client name or None)], [lines names waiting for their
    client file]) for the file ``names`` of a folder, in their order."""
    lines_re = _regex(lines_pattern or "*")
    if not client_pattern:
        return [(name, None) for name in names if lines_re.match(name)], []
    client_re = _regex(client_pattern)
    present = set(names)
    pairs, waiting = [], []
    for name in names:
        if client_re.match(name) or not lines_re.match(name):
            continue
        client = client_name_for(name, lines_pattern, client_pattern)
        if client in present:
            pairs.append((name, client))
        else:
            waiting.append(name)
    return pairs, waiting
