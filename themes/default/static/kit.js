// Optional enhancements only: the kit works fully without this file.
// Nothing here stores data, sets cookies or talks to a server.
"use strict";

// A "Copy" button beside each text alternative (the text itself stays selectable without it).
function addCopyButtons() {
  if (!navigator.clipboard) return;
  for (const box of document.querySelectorAll(".alt-text[data-copy]")) {
    const value = box.querySelector(".alt-value");
    if (!value) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = box.dataset.copy;
    const status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(value.textContent.trim());
        status.textContent = box.dataset.copied;
        setTimeout(() => { status.textContent = ""; }, 3000);
      } catch {
        status.textContent = "";
      }
    });
    box.append(button, status);
  }
}

document.addEventListener("DOMContentLoaded", addCopyButtons);
