"""A task's life: submit, poll on a schedule fitted to the model, download, each step saved
(task_runner, poll_schedule), and the gates before money is spent (spending_gate, payment_gate, pay_ledger).
Imports: every layer above in this list, never command, providers or skills.
"""
