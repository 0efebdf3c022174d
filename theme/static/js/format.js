/*
 * How people read money, dates, hours, phone numbers and prices: the browser's
 * twin of plugins/clinic_directory/site/formatting.py. Both are tested on the
 * same table of cases (tests/fixtures/formatting_cases.json); change them
 * together. Stored values keep their data formats; only what is shown changes.
 *
 * Prices come from the data index: each service row carries its headline
 * price, encoded by browser_index.encode_headline (see decodePrice).
 *
 * Also every script's words: t() and tn() look them up in the page's message
 * catalogue (translations.script_messages). Their first arguments must be plain
 * string literals, and a call never sits inside another's arguments: `make
 * messages` finds the messages by reading the calls, and misses those.
 */
(function () {
  "use strict";

  /* message -> translation, or [one, other] for a message with a plural, read once from
   * the block with id translations.SCRIPT_CATALOGUE_ID (partials/find_scripts.html).
   * A page without the block (a test page) shows the messages themselves. */
  var CATALOGUE = (function () {
    var block = document.getElementById("messages");
    return block ? JSON.parse(block.textContent) : {};
  }());
  // TRANSLATORS: "Jan" to "Dec": abbreviated month names, as in "Oct 14, 2026".
  var MONTHS = [t("Jan"), t("Feb"), t("Mar"), t("Apr"),
    // TRANSLATORS: the abbreviated month name, as in "May 4, 2026".
    t("May"), t("Jun"), t("Jul"), t("Aug"), t("Sep"), t("Oct"), t("Nov"), t("Dec")];
  var DAY_MS = 86400000;
  /* Must equal model.py: KINDS in sort-tier order, then the tiers of what cannot be compared. */
  var KINDS = ["session", "package", "clinic_fee"];
  var STALE_SORT_TIER = 2;
  var NO_PRICE_SORT_TIER = 3;
  var PRICE_SORT_TIER = 1000000;
  var STALE_BIT = 4;

  /* ``text`` with each {name} replaced by values[name]; text, never HTML. */
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function t(message, values) {
    var found = CATALOGUE[message];
    return fill(typeof found === "string" ? found : message, values);
  }

  /* The form for ``count`` (English and Spanish have one for 1 and one for the rest). */
  function tn(singular, plural, count, values) {
    var forms = Array.isArray(CATALOGUE[singular]) ? CATALOGUE[singular] : [singular, plural];
    return fill(forms[count === 1 ? 0 : 1], values);
  }

  /* Whole dollars, halves up, as model.whole_dollars. */
  function wholeDollars(amount) {
    return Math.floor(amount + 0.5);
  }

  function money(amount) {
    if (amount === null || amount === undefined) {
      return "";
    }
    return "$" + String(wholeDollars(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function moneyRange(low, high) {
    if (high === null || high === undefined || wholeDollars(low) === wholeDollars(high)) {
      return money(low);
    }
    return money(low) + "-" + money(high);
  }

  /* "Oct 14, 2026" from "2026-10-14", or from a count of days since 1970-01-01. */
  function usDate(value) {
    var iso = typeof value === "number" ? new Date(value * DAY_MS).toISOString().slice(0, 10) : value;
    var parts = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!parts) {
      return iso || "";
    }
    // TRANSLATORS: a date, as in "Oct 14, 2026"; {month} is an abbreviated month name.
    return t("{month} {day}, {year}", {month: MONTHS[Number(parts[2]) - 1], day: Number(parts[3]),
      year: parts[1]});
  }

  function clock(hours, minutes) {
    var hour = Number(hours) % 12 || 12;
    var time = minutes === "00" ? String(hour) : hour + ":" + minutes;
    // TRANSLATORS: a time of day, as in "8:30 am" or "9 am".
    return Number(hours) < 12 ? t("{time} am", {time: time}) : t("{time} pm", {time: time});
  }

  /* "8:30 am-5 pm" from "08:30-17:00"; "Closed" from "closed". */
  function hoursRange(text) {
    if (text === "closed") {
      // TRANSLATORS: a day's opening hours.
      return t("Closed");
    }
    var found = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text || "");
    return found ? clock(found[1], found[2]) + "-" + clock(found[3], found[4]) : text;
  }

  /* "(713) 555-0111" from the stored "+1 713-555-0111". */
  function usPhone(phone) {
    var found = /^\+1 (\d{3})-(\d{3}-\d{4})$/.exec(phone || "");
    return found ? "(" + found[1] + ") " + found[2] : phone;
  }

  /*
   * A service's headline price from its index value: null (none), a number (a
   * current single-session price with the medicine), or
   * [code, low, high, sessions, observed day]: code is the kind's position in
   * KINDS, plus 4 when the price is over a year old; sessions is 0 for a
   * per-session price; observed is given only for old prices.
   */
  function decodePrice(value) {
    if (value === null || value === undefined) {
      return null;
    }
    if (typeof value === "number") {
      return {kind: "session", low: value, high: value, sessions: 0, current: true, observed: null};
    }
    return {
      kind: KINDS[value[0] % STALE_BIT],
      low: value[1],
      high: value[2] === undefined ? value[1] : value[2],
      sessions: value[3] || 0,
      current: value[0] < STALE_BIT,
      observed: value[4] === undefined ? null : value[4]
    };
  }

  /* The price of each session of a package, [low, high] in whole dollars, or null. */
  function each(offer) {
    return offer.sessions ?
      [wholeDollars(offer.low / offer.sessions), wholeDollars(offer.high / offer.sessions)] : null;
  }

  function perSession(offer) {
    var perEach = each(offer);
    return perEach ? perEach[0] : offer.low;
  }

  /* The offer of a service decoded by ClinicDirectory.decodeIndex, or a raw offer. */
  function offerOf(service) {
    if (!service) {
      return null;
    }
    return service.kind ? service : (service.offer || null);
  }

  /* As formatting.figure_text, for the kinds a headline can be. */
  function offerText(offer, insurance) {
    var perEach = each(offer);
    var amount = perEach ?
      t("{sessions}-session package {price} ({each} each)", {sessions: offer.sessions,
        price: moneyRange(offer.low, offer.high), each: moneyRange(perEach[0], perEach[1])}) :
      t("{price} per session", {price: moneyRange(offer.low, offer.high)});
    if (offer.kind !== "clinic_fee") {
      return amount;
    }
    // TRANSLATORS: {price} as in "$150 per session"; said of a clinic whose insurer pays for the medicine.
    return insurance ? t("Clinic fee {price}; the medicine is billed to your insurance", {price: amount}) :
      // TRANSLATORS: {price} as in "$150 per session".
      t("Clinic fee {price}; the medicine is billed separately", {price: amount});
  }

  /* The headline price of a service in words, or null: "$495 per session", ... */
  function headline(service) {
    var offer = offerOf(service);
    if (!offer) {
      return null;
    }
    var text = offerText(offer, service.insurance);
    if (!offer.current && offer.observed !== null) {
      text = t("{price} (seen {date}, over a year ago)", {price: text, date: usDate(offer.observed)});
    }
    return text;
  }

  function sortTier(offer) {
    return offer.current ? KINDS.indexOf(offer.kind) : STALE_SORT_TIER;
  }

  /*
   * Where "lowest price first" puts a service: one number, smaller first. A
   * current single-session price (its low end), then a package's price per
   * session, then clinic fees without the medicine and prices over a year old,
   * then no price. Equal to model.ClinicRecord.price_sort_key.
   */
  function priceSortKey(service) {
    var offer = offerOf(service);
    if (!offer) {
      return NO_PRICE_SORT_TIER * PRICE_SORT_TIER;
    }
    return sortTier(offer) * PRICE_SORT_TIER + perSession(offer);
  }

  /* The figure the price cap compares, or null when it cannot be compared. */
  function comparablePrice(service) {
    var offer = offerOf(service);
    return offer && sortTier(offer) < STALE_SORT_TIER ? perSession(offer) : null;
  }

  /* The lowest sort key among services (a clinic's place in "lowest price first"). */
  function clinicPriceSortKey(services) {
    return services.reduce(function (lowest, service) {
      return Math.min(lowest, priceSortKey(service));
    }, NO_PRICE_SORT_TIER * PRICE_SORT_TIER);
  }

  /* The words after "Verified <date>" for a listing this old, from the levels the
   * index carries (formatting.VERIFICATION_LEVELS), or "". */
  function verificationWarning(ageDays, levels) {
    var words = "";
    (levels || []).forEach(function (level) {
      if (ageDays > level[0]) {
        words = level[2];
      }
    });
    return words;
  }

  window.ClinicFormat = {
    t: t,
    tn: tn,
    money: money,
    moneyRange: moneyRange,
    usDate: usDate,
    hoursRange: hoursRange,
    usPhone: usPhone,
    decodePrice: decodePrice,
    headline: headline,
    priceSortKey: priceSortKey,
    clinicPriceSortKey: clinicPriceSortKey,
    comparablePrice: comparablePrice,
    verificationWarning: verificationWarning,
    PRICE_SORT_TIER: PRICE_SORT_TIER
  };
}());
