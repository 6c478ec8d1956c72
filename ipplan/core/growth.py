"""Growth arithmetic (stdlib only): a pool's planning nodes after some months, month labels.

The rules are stated in :mod:`ipplan.core.forecast`, which uses these every month; they live apart
so that scenario validation (the planned-nodes bound, the horizon's end month) does not import the
forecast, which ``ipplan compare`` never runs (issue 11).
"""

from __future__ import annotations

from fractions import Fraction

from ipplan.core.capacity import Growth

__all__ = ["grown_nodes", "month_label"]


def month_label(start_year: int, start_month: int, months: int) -> str:
    """The ``YYYY-MM`` label *months* after the start month.

    >>> month_label(2027, 11, 3)
    '2028-02'
    """
    index = start_year * 12 + start_month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _exact(value: float) -> Fraction:
    # str() gives the shortest decimal that round-trips: the number the user wrote (0.1, not
    # 0.1000000000000000055...)
    return Fraction(str(value))


def grown_nodes(nodes: int, growth: Growth | None, month: int) -> int:
    """Planning nodes after *month* months of *growth* from *nodes* (never below 0).

    >>> grown_nodes(20, Growth(nodes_per_month=2), 12)
    44
    >>> grown_nodes(10, Growth(nodes_per_month=0.5), 3)  # 10 + floor(1.5)
    11
    >>> grown_nodes(20, Growth(percent_per_month=5), 12)  # ceil(20 * 1.05**12) = ceil(35.917...)
    36
    """
    if growth is None or month == 0:
        return nodes
    count = Fraction(nodes)
    if growth.percent_per_month:
        count *= (1 + _exact(growth.percent_per_month) / 100) ** month
        count = Fraction(-(-count.numerator // count.denominator))
    if growth.nodes_per_month:
        step = _exact(growth.nodes_per_month) * month
        count += step.numerator // step.denominator
    return max(int(count), 0)
