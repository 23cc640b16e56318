/* The query workbench: YASGUI (kg/server/static/vendor/yasgui/, served by this server) on
   this server's /sparql. Completion of classes, properties and prefixes comes from this
   server's /query/terms, never from elsewhere. Without JavaScript the page's plain form
   posts to /sparql instead, and the server draws the results. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('workbench-config').textContent);
  var host = document.getElementById('yasgui');
  var Yasgui = window.Yasgui;
  if (!Yasgui || !host) return;
  var Yasqe = Yasgui.Yasqe;
  var inferred = document.getElementById('wb-inferred');
  var examples = document.getElementById('example');
  var downloads = document.getElementById('downloads');
  var share = document.getElementById('share');
  var terms = null;

  function vocabulary() {
    if (!terms) {
      terms = fetch(config.terms, {headers: {Accept: 'application/json'}})
        .then(function (r) { return r.json(); });
    }
    return terms;
  }
  Yasqe.forkAutocompleter('class', {
    name: 'kg-class', bulk: true, persistenceId: null,
    get: function () { return vocabulary().then(function (t) { return t.classes; }); }
  }, false);
  Yasqe.forkAutocompleter('property', {
    name: 'kg-property', bulk: true, persistenceId: null,
    get: function () { return vocabulary().then(function (t) { return t.properties; }); }
  }, false);
  Yasqe.forkAutocompleter('prefixes', {
    name: 'kg-prefixes', bulk: true, persistenceId: null,
    get: function () {
      return Object.keys(config.prefixes).map(function (p) {
        return p + ': <' + config.prefixes[p] + '>';
      });
    }
  }, false);

  // each literal with a language tag is drawn in a cell that says its language (lang), so
  // that a browser picks the font and reading a screen reader expects for it
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  var LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
  if (Table && Table.prototype.getCellContent) {
    var cellContent = Table.prototype.getCellContent;
    Table.prototype.getCellContent = function (binding, prefixes) {
      var html = cellContent.call(this, binding, prefixes);
      var lang = binding && binding['xml:lang'];
      if (!lang || !LANGUAGE_TAG.test(lang)) return html;
      return html.replace("<span class='nonIri'>", "<span class='nonIri' lang='" + lang + "'>");
    };
  }

  function args() {
    return inferred.checked ? [{name: 'inferred', value: 'true'}] : [];
  }
  var yasgui = new Yasgui(host, {
    requestConfig: {
      endpoint: config.endpoint,
      method: 'POST',
      acceptHeaderSelect: 'application/sparql-results+json,*/*;q=0.9',
      acceptHeaderGraph: 'text/turtle,*/*;q=0.9',
      args: args()
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: config.endpoint}]; }},
    populateFromUrl: false,
    persistenceId: 'kazkgz-workbench',
    yasqe: {
      value: config.query,
      autocompleters: ['kg-prefixes', 'variables', 'kg-class', 'kg-property'],
      prefixCcApi: null,
      resizeable: true
    },
    yasr: {pluginOrder: ['table', 'response'], defaultPlugin: 'table'}
  });

  window.kgWorkbench = yasgui;  // for scripts and tests: the current tab, its answer
  function tab() { return yasgui.getTab(); }
  function link(params) {
    var query = new URLSearchParams(params);
    if (inferred.checked) query.set('inferred', 'true');
    return query.toString();
  }
  function showLinks() {
    var text = tab().getQuery();
    share.href = config.page + '?' + link({query: text});
    Array.prototype.forEach.call(downloads.querySelectorAll('a'), function (a) {
      a.href = config.endpoint + '?' + link({query: text, format: a.getAttribute('data-format')});
    });
    downloads.hidden = false;
  }
  function open(text, withInferences) {
    inferred.checked = withInferences;
    tab().setRequestConfig({args: args()});
    tab().setQuery(text);
  }
  // the editor's state for scripts and tests: running, then answered (its answer shown)
  yasgui.on('query', function () { host.setAttribute('data-state', 'running'); });
  yasgui.on('queryResponse', function () {
    showLinks();
    host.setAttribute('data-state', 'answered');
  });
  inferred.addEventListener('change', function () { tab().setRequestConfig({args: args()}); });
  examples.addEventListener('change', function () {
    var found = config.examples[examples.value];
    if (found) open(found.text, found.inferred);
  });
  // a project IRI in the results opens this server's page of it, not the public IRI
  function localPath(iri) {
    var kk = config.prefixes.kk, kko = config.prefixes.kko;
    if (iri.indexOf(kk) === 0) return config.base + '/id/' + iri.slice(kk.length);
    if (iri.indexOf(kko) === 0) return config.base + '/ontology#' + iri.slice(kko.length);
    return null;
  }
  host.addEventListener('click', function (event) {
    var a = event.target.closest ? event.target.closest('a[href]') : null;
    var local = a && localPath(a.href);
    if (!local) return;
    event.preventDefault();
    event.stopPropagation();
    window.open(local, '_blank', 'noopener');
  }, true);
  document.getElementById('plain-form').hidden = true;
  document.getElementById('workbench').hidden = false;
  if (config.query) open(config.query, config.inferred);
  if (config.autorun) tab().getYasqe().query();
})();
