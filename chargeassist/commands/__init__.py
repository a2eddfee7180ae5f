"""Command-line commands of Charge Assist, one module per command group."""
