"""The managers' board (issue 22): a read-only web page served by `salesbot run`, signed in by the chat platform."""
