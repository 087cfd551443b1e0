"""Imported once by the worker server (see :mod:`plankg.workers`): load the whole parse
pipeline — modules, data files, jieba's dictionary, the spaCy pipeline — so that every
worker forked from the server starts warm.

It does so by parsing a few lines of plan text written here (not from any plan), which
touches every lazily loaded table: heading patterns, units, departments, regions,
domains, topics, the jieba dictionary and the spaCy pipeline.

Nothing here may fail: a data file that does not load is reported by the worker that
parses a plan, with the file's name, exactly as it would be without preloading.
"""
from __future__ import annotations

import gc

WARM_TEXT = """某省公共服务规划
第一章 总体要求
第一节 发展目标
推进托育服务发展。省卫生健康委牵头，省民政厅按职责分工负责。
专栏1 示例工程
1.托育服务工程。建设托育机构10所。
表1 主要指标
序号\t指标\t2020年\t2025年\t属性
1\t每千人口托位数（个）\t1\t4.5\t预期性
"""


def warm() -> bool:
    """Load what parsing a plan loads; True when everything loaded."""
    try:
        from plankg.pipeline import parse_source
        from plankg.read import read_bytes

        parse_source(read_bytes(WARM_TEXT.encode("utf-8"), "warm.txt"), semantic=True)
        return True
    except Exception:  # noqa: BLE001 - see the module doc
        return False


WARM = warm()
# Forked workers share the server's memory page by page until they write to it; the
# cyclic GC would visit (and so copy) every preloaded object. Keep them out of its way.
gc.freeze()
