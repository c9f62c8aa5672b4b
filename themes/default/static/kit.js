// Optional enhancements only: the kit works fully without this file.
// Nothing here stores data, sets cookies or talks to a server.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  for (const alt of document.querySelectorAll(".alt-text")) {
    const text = alt.querySelector("q");
    if (!text) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(text.textContent);
      button.textContent = "Copied";
    });
    alt.append(button);
  }
});
