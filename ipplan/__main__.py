from ipplan.cli import app

app(prog_name="ipplan")
