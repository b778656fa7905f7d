/* A small toolbar over each rich-text textarea: it wraps the selection in one of the tags the server keeps
   (tamyr/content/html.py). The server sanitises whatever arrives, so this is a convenience, never a guard. */
(function () {
  "use strict";
  var TOOLS = [
    ["B", "strong", "Bold"], ["I", "em", "Italic"], ["H2", "h2", "Heading"], ["H3", "h3", "Subheading"],
    ["¶", "p", "Paragraph"], ["•", "ul", "List"], ["❝", "blockquote", "Quote"], ["🔗", "a", "Link"]
  ];
  function wrap(area, tag) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value.slice(start, end);
    var open = "<" + tag + ">", close = "</" + tag + ">";
    if (tag === "a") {
      var url = window.prompt("https://", "https://");
      if (!url || !/^(https?:|mailto:|\/)/i.test(url)) { return; }
      open = '<a href="' + url.replace(/"/g, "&quot;") + '">';
    }
    if (tag === "ul") {
      var items = (text || "").split("\n").map(function (line) { return "<li>" + line + "</li>"; }).join("");
      text = items; open = "<ul>"; close = "</ul>";
    }
    area.setRangeText(open + text + close, start, end, "end");
    area.focus();
  }
  function attach(area) {
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-small secondary";
      button.textContent = tool[0];
      button.title = tool[2];
      button.setAttribute("aria-label", tool[2]);
      button.addEventListener("click", function () { wrap(area, tool[1]); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(attach);
  });
})();
