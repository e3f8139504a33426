// Placeholder until the web console lands: nothing to build yet.
console.log('build: no web console yet');
