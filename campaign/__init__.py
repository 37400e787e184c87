"""The adversarial campaign of issue 15: every public service method, every file target, every
role, tried with hostile values on a fresh clinic each time (run by hand: python -m campaign.run).
"""
