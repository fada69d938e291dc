// Query page helper: Ctrl+Enter (or Cmd+Enter) in the editor runs the query.
// Everything else works without JavaScript (examples are links, results are rendered by the server).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var editor = document.getElementById("query");
  if (!editor) { return; }
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      editor.form.submit();
    }
  });
});
