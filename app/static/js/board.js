/*
 * The pipeline board, enhanced: drag and drop between columns (SortableJS), moves
 * made in place from the "Move to…" menu, a dialog before a move that emails the
 * candidate, and a toast that offers the undo.
 *
 * Without this file everything still works through plain forms: the menu posts,
 * the server asks for confirmation on its own page and the flash message carries
 * the Undo button. Here the same endpoints answer JSON (Accept: application/json,
 * the CSRF token in the X-CSRFToken header); the server checks every move again.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-board][data-can-move]");
  if (!root) {
    return;
  }
  var csrf = root.getAttribute("data-csrf");
  var prefix = root.getAttribute("data-prefix");
  var next = root.getAttribute("data-next");
  var isList = root.hasAttribute("data-list");
  var toast = document.getElementById("board-toast");
  var dialog = document.getElementById("confirm-dialog");
  var toastTimer = null;
  var pendingUndo = null;

  function idOf(card) {
    return card.id.replace("application-", "");
  }

  function post(url, fields) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrf
      },
      body: new URLSearchParams(fields)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        var message = "That did not work (" + response.status + "); reload the page and try again.";
        if (response.status === 400) {
          message = "This page has expired; reload it and try again.";
        } else if (response.status === 403) {
          message = "Your account cannot do that.";
        } else if (response.status === 404) {
          message = "That application was not found; reload the page.";
        }
        return { ok: false, status: response.status, body: { message: message } };
      }
      return response.json().then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    }, function () {
      return { ok: false, status: 0, body: { message: "The network failed, so nothing changed. Try again." } };
    });
  }

  /* The toast: a message, and an Undo button while a move can be taken back. */
  function showToast(message, undo, isError) {
    if (!toast) {
      return;
    }
    toast.querySelector(".board-toast-text").textContent = message;
    var button = toast.querySelector(".board-toast-undo");
    pendingUndo = undo || null;
    button.hidden = !pendingUndo;
    toast.classList.toggle("is-error", !!isError);
    toast.setAttribute("role", isError ? "alert" : "status");
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function hide() {
      if (toast.contains(document.activeElement) || toast.matches(":hover")) {
        toastTimer = window.setTimeout(hide, 4000);
        return;
      }
      toast.hidden = true;
      pendingUndo = null;
    }, isError ? 12000 : 20000);
  }

  function askToConfirm(body) {
    var confirm = body.confirm || {};
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(body.message + "\nSubject: " + confirm.subject));
    }
    dialog.querySelector(".confirm-lead").textContent = body.message;
    dialog.querySelector(".confirm-to").textContent = confirm.to_name + " <" + confirm.to_address + ">";
    dialog.querySelector(".confirm-subject").textContent = confirm.subject;
    dialog.querySelector(".confirm-when").textContent = confirm.when || "";
    dialog.returnValue = "";
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () {
        resolve(dialog.returnValue === "confirm");
      }, { once: true });
      dialog.showModal();
      dialog.querySelector(".confirm-yes").focus();
    });
  }

  function setCount(stage, delta) {
    var column = root.querySelector('.board-column[data-stage="' + stage + '"] [data-column-count]');
    if (column) {
      column.textContent = String(Math.max(0, parseInt(column.textContent, 10) + delta));
    }
    var pill = document.querySelector('[data-count-for="' + stage + '"] .badge');
    if (pill) {
      pill.textContent = String(Math.max(0, parseInt(pill.textContent, 10) + delta));
    }
  }

  function optionsFor(select, allowed) {
    select.textContent = "";
    allowed.forEach(function (move) {
      var option = document.createElement("option");
      option.value = move.key;
      option.textContent = move.key === "rejected" ? "Reject…" : move.label;
      select.appendChild(option);
    });
  }

  /* Show the card as the server now has it: its place, version and the moves left. */
  function update(card, application, fromStage) {
    card.setAttribute("data-version", String(application.version));
    var keys = application.allowed.map(function (move) { return move.key; });
    if (card.hasAttribute("data-allowed")) {
      card.setAttribute("data-allowed", keys.join(" "));
    }
    var form = card.querySelector(".move-form");
    if (form) {
      if (keys.length) {
        form.querySelector('input[name="version"]').value = String(application.version);
        optionsFor(form.querySelector("select"), application.allowed);
      } else {
        (form.closest(".move-menu") || form).remove();
      }
    }
    var menu = card.querySelector(".move-menu");
    if (menu) {
      menu.open = false;
    }
    if (fromStage !== application.stage) {
      var days = card.querySelector(".days-text, .row-days");
      if (days) {
        days.textContent = isList ? "0" : "Today";
      }
      setCount(fromStage, -1);
      setCount(application.stage, 1);
    }
    if (isList) {
      var badge = card.querySelector(".row-stage");
      if (badge) {
        badge.textContent = application.stage_label;
        badge.className = "badge rounded-pill text-bg-" + application.tone + " stage-badge row-stage";
      }
      return;
    }
    var target = root.querySelector('[data-drop="' + application.stage + '"]');
    if (!target) {
      card.remove(); // its new stage is not on this filtered board
      return;
    }
    if (card.parentNode !== target) {
      target.insertBefore(card, target.firstElementChild);
    }
  }

  function focusCard(card) {
    if (!document.body.contains(card)) {
      return;
    }
    var summary = card.querySelector(".move-menu summary");
    (summary || card.querySelector(".card-name")).focus();
  }

  /* Move a card; resolves to true when the server made the move. */
  function move(card, to) {
    var url = prefix + idOf(card) + "/move";
    var fields = { to: to, version: card.getAttribute("data-version"), next: next };
    card.classList.add("is-busy");
    return post(url, fields).then(function (result) {
      if (result.status === 409 && result.body.type === "confirm") {
        return askToConfirm(result.body).then(function (yes) {
          if (!yes) {
            return { ok: false, cancelled: true };
          }
          fields.confirm = "1";
          return post(url, fields);
        });
      }
      return result;
    }).then(function (result) {
      card.classList.remove("is-busy");
      if (result.cancelled) {
        showToast("Not moved: no email was sent.", null, false);
        return false;
      }
      if (!result.ok) {
        if (result.body.type === "reason-required" && result.body.redirect) {
          window.location.assign(result.body.redirect);
          return false;
        }
        showToast(result.body.message || "That move did not work.", null, true);
        return false;
      }
      var undo = result.body.undo;
      update(card, result.body.application, result.body.from_stage);
      showToast(result.body.message, undo ? { card: card, url: undo.url, change_id: undo.change_id } : null, false);
      return true;
    });
  }

  function rejectUrl(card) {
    return prefix + idOf(card) + "/reject?next=" + encodeURIComponent(next);
  }

  if (toast) {
    toast.querySelector(".board-toast-close").addEventListener("click", function () {
      toast.hidden = true;
      pendingUndo = null;
    });
    toast.querySelector(".board-toast-undo").addEventListener("click", function () {
      var undo = pendingUndo;
      if (!undo) {
        return;
      }
      pendingUndo = null;
      this.hidden = true;
      post(undo.url, { change_id: undo.change_id, next: next }).then(function (result) {
        if (!result.ok) {
          showToast(result.body.message || "That could not be undone.", null, true);
          return;
        }
        var card = undo.card;
        if (!document.body.contains(card)) {
          card = document.getElementById("application-" + result.body.application.id) || card;
        }
        if (!document.body.contains(card)) {
          showToast(result.body.message + " Reload the page to see it.", null, false);
          return;
        }
        update(card, result.body.application, result.body.from_stage);
        showToast(result.body.message, null, false);
        focusCard(card);
      });
    });
  }

  /* The menu: a move in place (a rejection still goes to its form for the reason). */
  root.addEventListener("submit", function (event) {
    var form = event.target.closest(".move-form");
    if (!form) {
      return;
    }
    var to = form.querySelector("select").value;
    var card = form.closest(".board-card, .board-row");
    if (!card || to === "rejected" || typeof window.fetch !== "function") {
      return;
    }
    event.preventDefault();
    move(card, to).then(function (moved) {
      if (moved) {
        focusCard(card);
      }
    });
  });

  /* Drag and drop between the columns; a drop the card's moves do not allow is refused here. */
  if (!isList && window.Sortable) {
    root.querySelectorAll("[data-drop]").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board",
        sort: false,
        draggable: '.board-card:not([data-allowed=""])',
        filter: "a, summary, select, button, input, label",
        preventOnFilter: false,
        animation: 150,
        onMove: function (event) {
          if (event.to === event.from) {
            return true;
          }
          var allowed = (event.dragged.getAttribute("data-allowed") || "").split(" ");
          return allowed.indexOf(event.to.getAttribute("data-drop")) !== -1;
        },
        onEnd: function (event) {
          if (event.to === event.from) {
            return;
          }
          var card = event.item;
          var from = event.from;
          var oldIndex = event.oldIndex;
          var snapBack = function () {
            var cards = from.querySelectorAll(".board-card");
            from.insertBefore(card, cards[oldIndex] || from.querySelector(".board-empty"));
          };
          var to = event.to.getAttribute("data-drop");
          if (to === "rejected") {
            snapBack();
            window.location.assign(rejectUrl(card));
            return;
          }
          move(card, to).then(function (moved) {
            if (!moved) {
              snapBack();
            }
          });
        }
      });
    });
  }
})();

/* The bulk bar: how many are selected, and it opens as soon as a card is ticked. */
(function () {
  "use strict";

  var bar = document.getElementById("bulk-bar");
  var form = document.getElementById("bulk-form");
  if (!bar || !form) {
    return;
  }
  var count = bar.querySelector("[data-bulk-count]");
  var all = document.getElementById("bulk-all");

  function ticked() {
    return document.querySelectorAll('input.card-select[form="bulk-form"]:checked');
  }

  function refresh() {
    var n = all && all.checked ? parseInt(all.getAttribute("data-matching"), 10) : ticked().length;
    count.textContent = String(n);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target === all) {
      refresh();
      return;
    }
    if (target.classList && target.classList.contains("card-select")) {
      if (target.checked) {
        bar.open = true;
      }
      refresh();
    }
  });
  refresh();
})();
