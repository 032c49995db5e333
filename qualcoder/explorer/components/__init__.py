"""The explorer's components: the document view (inline HTML, JavaScript and CSS; nothing fetched)."""
