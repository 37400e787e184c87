"""`clinic.accounting`: the chart of accounts, the journal (R35) and its export."""
