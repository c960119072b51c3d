// Search and filters of the catalog's home page. Plain JavaScript, no network: the data is the
// JSON block embedded in the page, and the cards are already in the page (the list a browser
// without JavaScript shows), so filtering only hides and shows them.
(function () {
  "use strict";

  var dataBlock = document.getElementById("catalog-data");
  var controls = document.getElementById("controls");
  if (!dataBlock || !controls) {
    return;
  }
  var catalog = JSON.parse(dataBlock.textContent);
  var search = document.getElementById("search");
  var useCase = document.getElementById("use-case");
  var protocol = document.getElementById("protocol");
  var clear = document.getElementById("clear");
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-results");

  // Case- and accent-insensitive text to match words against.
  function fold(text) {
    return String(text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  var cards = Object.create(null);
  Array.prototype.forEach.call(document.querySelectorAll("li.card"), function (card) {
    cards[card.getAttribute("data-slug")] = card;
  });
  var entries = [];
  catalog.apps.forEach(function (app) {
    var card = cards[app.slug];
    if (card) {
      entries.push({
        app: app,
        card: card,
        text: fold(app.name) + "\n" + fold(app.description)
      });
    }
  });

  function matches(entry, words, wantedUseCase, wantedProtocol) {
    if (wantedUseCase && entry.app.use_cases.indexOf(wantedUseCase) < 0) {
      return false;
    }
    if (wantedProtocol && entry.app.protocols.indexOf(wantedProtocol) < 0) {
      return false;
    }
    return words.every(function (word) {
      return entry.text.indexOf(word) >= 0;
    });
  }

  function plural(n) {
    return n === 1 ? "integration" : "integrations";
  }

  function update() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    entries.forEach(function (entry) {
      var visible = matches(entry, words, useCase.value, protocol.value);
      entry.card.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    var filtered = words.length > 0 || useCase.value || protocol.value;
    if (!filtered) {
      count.textContent = entries.length + " " + plural(entries.length);
    } else if (shown === 0) {
      count.textContent = "No integration matches";
    } else {
      count.textContent = shown + " of " + entries.length + " integrations match";
    }
    empty.hidden = shown !== 0;
  }

  search.addEventListener("input", update);
  useCase.addEventListener("change", update);
  protocol.addEventListener("change", update);
  controls.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  clear.addEventListener("click", function () {
    search.value = "";
    useCase.value = "";
    protocol.value = "";
    update();
    search.focus();
  });

  controls.hidden = false;
  update();
})();
