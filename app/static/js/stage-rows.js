/* Up and down buttons for the stage rows of a pipeline editor.
 *
 * Without this script the rows are reordered by their order numbers; with it,
 * each row gets two buttons that move it and renumber every row, so the
 * numbers sent still say the order. Nothing else changes: saving is the same
 * form post. */
(function () {
  "use strict";

  /* Buttons' state and names; with `renumber`, the order numbers too (after a move, never on load:
   * numbers typed before a refused save must stay as they were). */
  function refresh(list, renumber) {
    var rows = list.querySelectorAll("[data-stage-row]");
    rows.forEach(function (row, index) {
      var input = row.querySelector("[data-position]");
      if (input && renumber) input.value = String(index + 1);
      var up = row.querySelector("[data-move='up']");
      var down = row.querySelector("[data-move='down']");
      if (up) {
        up.disabled = index === 0;
        up.setAttribute("aria-label", "Move " + rowName(row) + " up");
      }
      if (down) {
        down.disabled = index === rows.length - 1;
        down.setAttribute("aria-label", "Move " + rowName(row) + " down");
      }
    });
  }

  function button(direction) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary";
    b.dataset.move = direction;
    b.innerHTML = '<i class="bi bi-arrow-' + direction + '" aria-hidden="true"></i>';
    return b;
  }

  function rowName(row) {
    var name = row.querySelector("input[name$='-name']");
    return (name && name.value.trim()) || "this stage";
  }

  document.querySelectorAll("[data-stage-rows]").forEach(function (list) {
    list.querySelectorAll("[data-stage-row]").forEach(function (row) {
      var tools = row.querySelector("[data-row-tools]");
      if (!tools) return;
      var group = document.createElement("div");
      group.className = "btn-group ms-md-auto";
      group.setAttribute("role", "group");
      group.appendChild(button("up"));
      group.appendChild(button("down"));
      tools.appendChild(group);
    });
    list.addEventListener("click", function (event) {
      var b = event.target.closest("[data-move]");
      if (!b || !list.contains(b)) return;
      var row = b.closest("[data-stage-row]");
      if (b.dataset.move === "up" && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (b.dataset.move === "down" && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      refresh(list, true);
      if (!b.disabled) b.focus();
      else (row.querySelector("[data-move]:not([disabled])") || row).focus();
    });
    list.addEventListener("change", function () {
      refresh(list, false);
    });
    refresh(list, false);
  });
})();
