"""The pure core: CIDR maths, the capacity model, the forecast, the plan and its answers."""
