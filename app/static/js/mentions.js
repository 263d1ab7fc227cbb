/* @mentions in the note form: type "@" and a few letters, pick a colleague, and the
 * textarea gets "@[Name](user:12)". Without this script the same text can be typed by
 * hand; the server keeps only mentions of the company's active staff either way. */
(function () {
  "use strict";
  var MAX_SHOWN = 8;

  function setUp(area) {
    var url = area.getAttribute("data-mentions-url");
    var members = null;
    var loading = null;
    var shown = [];
    var active = -1;
    var menu = document.createElement("ul");
    menu.className = "list-group mention-menu shadow-sm";
    menu.id = area.id + "-mentions";
    menu.setAttribute("role", "listbox");
    menu.setAttribute("aria-label", "Colleagues to mention");
    menu.hidden = true;
    area.parentNode.style.position = "relative";
    area.parentNode.appendChild(menu);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", menu.id);
    area.setAttribute("aria-expanded", "false");

    function load() {
      if (members !== null) return Promise.resolve(members);
      if (loading === null) {
        loading = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { members: [] }; })
          .then(function (data) { members = data.members || []; return members; })
          .catch(function () { loading = null; return []; });
      }
      return loading;
    }

    function query() {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(^|\s)@([^\s@\[\]()]{0,40})$/.exec(before);
      return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
    }

    function close() {
      menu.hidden = true;
      shown = [];
      active = -1;
      area.setAttribute("aria-expanded", "false");
      area.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(menu.children, function (item, n) {
        item.classList.toggle("active", n === index);
        item.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      if (index >= 0) area.setAttribute("aria-activedescendant", menu.children[index].id);
    }

    function pick(member) {
      var found = query();
      if (!found) return close();
      var name = member.name.replace(/[\[\]\r\n]/g, " ").trim();
      var token = "@[" + name + "](user:" + member.id + ") ";
      var caret = area.selectionStart;
      area.value = area.value.slice(0, found.start) + token + area.value.slice(caret);
      var at = found.start + token.length;
      area.setSelectionRange(at, at);
      close();
      area.focus();
    }

    function show(found) {
      load().then(function (list) {
        var wanted = found.text.toLowerCase();
        shown = list.filter(function (m) { return m.name.toLowerCase().indexOf(wanted) !== -1; }).slice(0, MAX_SHOWN);
        menu.textContent = "";
        if (!shown.length) return close();
        shown.forEach(function (member, n) {
          var item = document.createElement("li");
          item.className = "list-group-item list-group-item-action";
          item.id = menu.id + "-" + n;
          item.setAttribute("role", "option");
          item.textContent = member.name; /* text, never HTML */
          item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(member); });
          menu.appendChild(item);
        });
        menu.hidden = false;
        area.setAttribute("aria-expanded", "true");
        highlight(0);
      });
    }

    area.addEventListener("input", function () {
      var found = query();
      if (found) show(found); else close();
    });
    area.addEventListener("keydown", function (event) {
      if (menu.hidden || !shown.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % shown.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + shown.length) % shown.length); }
      else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(shown[Math.max(active, 0)]); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    area.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  document.querySelectorAll("textarea[data-mentions-url]").forEach(setUp);
})();
