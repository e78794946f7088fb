"""What a person or an agent types: the typer plumbing and common options (cli), the five
commands (commands), the run context, progress on stderr and the in-process simulator switch.
Imports: every lower layer and the simulator; providers and skills sit on top of it.
"""
