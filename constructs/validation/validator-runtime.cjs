'use strict';
/**
 * What compiled schema validators need at run time, in one CommonJS module so that validators compiled
 * in-process (ajv.compile) and the precompiled ones in imports/validators/ (ajv standalone code, which
 * `require`s this file) use exactly the same regular-expression engine and formats.
 */
const { fullFormats } = require('ajv-formats/dist/formats');

/**
 * CRD patterns are Go (RE2) regular expressions: the prometheus-operator's use a leading `(?i)` flag
 * group, which JavaScript does not understand. A flag group at the start (after an optional `^`) becomes
 * JavaScript flags; the rest of RE2's syntax the vendored CRDs use is also valid JavaScript.
 */
function goRegExp(pattern, flags) {
  const leading = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
  if (!leading) return new RegExp(pattern, flags);
  const extra = [...leading[2]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  return new RegExp(leading[1] + pattern.slice(leading[0].length), [...new Set(flags + extra)].join(''));
}

/** The OpenAPI integer and number formats Kubernetes uses; their ranges are not checked. */
const crdFormats = { ...fullFormats };
for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'quantity']) crdFormats[format] = true;

/** Integer formats of agentgateway's schema (Rust types) with their ranges; `double` is any number. */
const agentgatewayFormats = {
  uint8: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xff },
  uint16: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff },
  uint32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff },
  uint64: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 },
  uint: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 },
  int32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  double: { type: 'number', validate: (n) => Number.isFinite(n) },
  // `format: const` marks string constants that `const` already checks.
  const: true,
};

module.exports = { goRegExp, crdFormats, agentgatewayFormats };
