"""The report layer: renders a plan as CSV tables, PNG charts and a summary.

Only this layer uses pandas and matplotlib.
"""
