import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 203:
/***/ ((module) => {



/**
 * @typedef {Object} HttpRequest
 * @property {Record<string, string>} headers - Request headers
 * @property {string} [method] - HTTP method
 * @property {string} [url] - Request URL
 */

/**
 * @typedef {Object} HttpResponse
 * @property {Record<string, string>} headers - Response headers
 * @property {number} [status] - HTTP status code
 */

/**
 * Set of default cacheable status codes per RFC 7231 section 6.1.
 * @type {Set<number>}
 */
const statusCodeCacheableByDefault = new Set([
    200,
    203,
    204,
    206,
    300,
    301,
    308,
    404,
    405,
    410,
    414,
    501,
]);

/**
 * Set of HTTP status codes that the cache implementation understands.
 * Note: This implementation does not understand partial responses (206).
 * @type {Set<number>}
 */
const understoodStatuses = new Set([
    200,
    203,
    204,
    300,
    301,
    302,
    303,
    307,
    308,
    404,
    405,
    410,
    414,
    501,
]);

/**
 * Set of HTTP error status codes.
 * @type {Set<number>}
 */
const errorStatusCodes = new Set([
    500,
    502,
    503,
    504,
]);

/**
 * Object representing hop-by-hop headers that should be removed.
 * @type {Record<string, boolean>}
 */
const hopByHopHeaders = {
    date: true, // included, because we add Age update Date
    connection: true,
    'keep-alive': true,
    'proxy-authenticate': true,
    'proxy-authorization': true,
    te: true,
    trailer: true,
    'transfer-encoding': true,
    upgrade: true,
};

/**
 * Headers that are excluded from revalidation update.
 * @type {Record<string, boolean>}
 */
const excludedFromRevalidationUpdate = {
    // Since the old body is reused, it doesn't make sense to change properties of the body
    'content-length': true,
    'content-encoding': true,
    'transfer-encoding': true,
    'content-range': true,
};

/**
 * Converts a string to a number or returns zero if the conversion fails.
 * @param {string} s - The string to convert.
 * @returns {number} The parsed number or 0.
 */
function toNumberOrZero(s) {
    const n = parseInt(s, 10);
    return isFinite(n) ? n : 0;
}

/**
 * Determines if the given response is an error response.
 * Implements RFC 5861 behavior.
 * @param {HttpResponse|undefined} response - The HTTP response object.
 * @returns {boolean} true if the response is an error or undefined, false otherwise.
 */
function isErrorResponse(response) {
    // consider undefined response as faulty
    if (!response) {
        return true;
    }
    return errorStatusCodes.has(response.status);
}

/**
 * Parses a Cache-Control header string into an object.
 * @param {string} [header] - The Cache-Control header value.
 * @returns {Record<string, string|boolean>} An object representing Cache-Control directives.
 */
function parseCacheControl(header) {
    /** @type {Record<string, string|boolean>} */
    const cc = {};
    if (!header) return cc;

    // TODO: When there is more than one value present for a given directive (e.g., two Expires header fields, multiple Cache-Control: max-age directives),
    // the directive's value is considered invalid. Caches are encouraged to consider responses that have invalid freshness information to be stale
    const parts = header.trim().split(/,/);
    for (const part of parts) {
        const [k, v] = part.split(/=/, 2);
        cc[k.trim()] = v === undefined ? true : v.trim().replace(/^"|"$/g, '');
    }

    return cc;
}

/**
 * Formats a Cache-Control directives object into a header string.
 * @param {Record<string, string|boolean>} cc - The Cache-Control directives.
 * @returns {string|undefined} A formatted Cache-Control header string or undefined if empty.
 */
function formatCacheControl(cc) {
    let parts = [];
    for (const k in cc) {
        const v = cc[k];
        parts.push(v === true ? k : k + '=' + v);
    }
    if (!parts.length) {
        return undefined;
    }
    return parts.join(', ');
}

module.exports = class CachePolicy {
    /**
     * Creates a new CachePolicy instance.
     * @param {HttpRequest} req - Incoming client request.
     * @param {HttpResponse} res - Received server response.
     * @param {Object} [options={}] - Configuration options.
     * @param {boolean} [options.shared=true] - Is the cache shared (a public proxy)? `false` for personal browser caches.
     * @param {number} [options.cacheHeuristic=0.1] - Fallback heuristic (age fraction) for cache duration.
     * @param {number} [options.immutableMinTimeToLive=86400000] - Minimum TTL for immutable responses in milliseconds.
     * @param {boolean} [options.ignoreCargoCult=false] - Detect nonsense cache headers, and override them.
     * @param {any} [options._fromObject] - Internal parameter for deserialization. Do not use.
     */
    constructor(
        req,
        res,
        {
            shared,
            cacheHeuristic,
            immutableMinTimeToLive,
            ignoreCargoCult,
            _fromObject,
        } = {}
    ) {
        if (_fromObject) {
            this._fromObject(_fromObject);
            return;
        }

        if (!res || !res.headers) {
            throw Error('Response headers missing');
        }
        this._assertRequestHasHeaders(req);

        /** @type {number} Timestamp when the response was received */
        this._responseTime = this.now();
        /** @type {boolean} Indicates if the cache is shared */
        this._isShared = shared !== false;
        /** @type {boolean} Indicates if legacy cargo cult directives should be ignored */
        this._ignoreCargoCult = !!ignoreCargoCult;
        /** @type {number} Heuristic cache fraction */
        this._cacheHeuristic =
            undefined !== cacheHeuristic ? cacheHeuristic : 0.1; // 10% matches IE
        /** @type {number} Minimum TTL for immutable responses in ms */
        this._immutableMinTtl =
            undefined !== immutableMinTimeToLive
                ? immutableMinTimeToLive
                : 24 * 3600 * 1000;

        /** @type {number} HTTP status code */
        this._status = 'status' in res ? res.status : 200;
        /** @type {Record<string, string>} Response headers */
        this._resHeaders = res.headers;
        /** @type {Record<string, string|boolean>} Parsed Cache-Control directives from response */
        this._rescc = parseCacheControl(res.headers['cache-control']);
        /** @type {string} HTTP method (e.g., GET, POST) */
        this._method = 'method' in req ? req.method : 'GET';
        /** @type {string} Request URL */
        this._url = req.url;
        /** @type {string} Host header from the request */
        this._host = req.headers.host;
        /** @type {boolean} Whether the request does not include an Authorization header */
        this._noAuthorization = !req.headers.authorization;
        /** @type {Record<string, string>|null} Request headers used for Vary matching */
        this._reqHeaders = res.headers.vary ? req.headers : null; // Don't keep all request headers if they won't be used
        /** @type {Record<string, string|boolean>} Parsed Cache-Control directives from request */
        this._reqcc = parseCacheControl(req.headers['cache-control']);

        // Assume that if someone uses legacy, non-standard uncecessary options they don't understand caching,
        // so there's no point stricly adhering to the blindly copy&pasted directives.
        if (
            this._ignoreCargoCult &&
            'pre-check' in this._rescc &&
            'post-check' in this._rescc
        ) {
            delete this._rescc['pre-check'];
            delete this._rescc['post-check'];
            delete this._rescc['no-cache'];
            delete this._rescc['no-store'];
            delete this._rescc['must-revalidate'];
            this._resHeaders = Object.assign({}, this._resHeaders, {
                'cache-control': formatCacheControl(this._rescc),
            });
            delete this._resHeaders.expires;
            delete this._resHeaders.pragma;
        }

        // When the Cache-Control header field is not present in a request, caches MUST consider the no-cache request pragma-directive
        // as having the same effect as if "Cache-Control: no-cache" were present (see Section 5.2.1).
        if (
            res.headers['cache-control'] == null &&
            /no-cache/.test(res.headers.pragma)
        ) {
            this._rescc['no-cache'] = true;
        }
    }

    /**
     * You can monkey-patch it for testing.
     * @returns {number} Current time in milliseconds.
     */
    now() {
        return Date.now();
    }

    /**
     * Determines if the response is storable in a cache.
     * @returns {boolean} `false` if can never be cached.
     */
    storable() {
        // The "no-store" request directive indicates that a cache MUST NOT store any part of either this request or any response to it.
        return !!(
            !this._reqcc['no-store'] &&
            // A cache MUST NOT store a response to any request, unless:
            // The request method is understood by the cache and defined as being cacheable, and
            ('GET' === this._method ||
                'HEAD' === this._method ||
                ('POST' === this._method && this._hasExplicitExpiration())) &&
            // the response status code is understood by the cache, and
            understoodStatuses.has(this._status) &&
            // the "no-store" cache directive does not appear in request or response header fields, and
            !this._rescc['no-store'] &&
            // the "private" response directive does not appear in the response, if the cache is shared, and
            (!this._isShared || !this._rescc.private) &&
            // the Authorization header field does not appear in the request, if the cache is shared,
            (!this._isShared ||
                this._noAuthorization ||
                this._allowsStoringAuthenticated()) &&
            // the response either:
            // contains an Expires header field, or
            (this._resHeaders.expires ||
                // contains a max-age response directive, or
                // contains a s-maxage response directive and the cache is shared, or
                // contains a public response directive.
                this._rescc['max-age'] ||
                (this._isShared && this._rescc['s-maxage']) ||
                this._rescc.public ||
                // has a status code that is defined as cacheable by default
                statusCodeCacheableByDefault.has(this._status))
        );
    }

    /**
     * @returns {boolean} true if expiration is explicitly defined.
     */
    _hasExplicitExpiration() {
        // 4.2.1 Calculating Freshness Lifetime
        return !!(
            (this._isShared && this._rescc['s-maxage']) ||
            this._rescc['max-age'] ||
            this._resHeaders.expires
        );
    }

    /**
     * @param {HttpRequest} req - a request
     * @throws {Error} if the headers are missing.
     */
    _assertRequestHasHeaders(req) {
        if (!req || !req.headers) {
            throw Error('Request headers missing');
        }
    }

    /**
     * Checks if the request matches the cache and can be satisfied from the cache immediately,
     * without having to make a request to the server.
     *
     * This doesn't support `stale-while-revalidate`. See `evaluateRequest()` for a more complete solution.
     *
     * @param {HttpRequest} req - The new incoming HTTP request.
     * @returns {boolean} `true`` if the cached response used to construct this cache policy satisfies the request without revalidation.
     */
    satisfiesWithoutRevalidation(req) {
        const result = this.evaluateRequest(req);
        return !result.revalidation;
    }

    /**
     * @param {{headers: Record<string, string>, synchronous: boolean}|undefined} revalidation - Revalidation information, if any.
     * @returns {{response: HttpResponse, revalidation: {headers: Record<string, string>, synchronous: boolean}|undefined}} An object with a cached response headers and revalidation info.
     */
    _evaluateRequestHitResult(revalidation) {
        return {
            response: {
                headers: this.responseHeaders(),
                status: this._status,
            },
            revalidation,
        };
    }

    /**
     * @param {HttpRequest} request - new incoming
     * @param {boolean} synchronous - whether revalidation must be synchronous (not s-w-r).
     * @returns {{headers: Record<string, string>, synchronous: boolean}} An object with revalidation headers and a synchronous flag.
     */
    _evaluateRequestRevalidation(request, synchronous) {
        return {
            synchronous,
            headers: this.revalidationHeaders(request),
        };
    }

    /**
     * @param {HttpRequest} request - new incoming
     * @returns {{response: undefined, revalidation: {headers: Record<string, string>, synchronous: boolean}}} An object indicating no cached response and revalidation details.
     */
    _evaluateRequestMissResult(request) {
        return {
            response: undefined,
            revalidation: this._evaluateRequestRevalidation(request, true),
        };
    }

    /**
     * Checks if the given request matches this cache entry, and how the cache can be used to satisfy it. Returns an object with:
     *
     * ```
     * {
     *     // If defined, you must send a request to the server.
     *     revalidation: {
     *         headers: {}, // HTTP headers to use when sending the revalidation response
     *         // If true, you MUST wait for a response from the server before using the cache
     *         // If false, this is stale-while-revalidate. The cache is stale, but you can use it while you update it asynchronously.
     *         synchronous: bool,
     *     },
     *     // If defined, you can use this cached response.
     *     response: {
     *         headers: {}, // Updated cached HTTP headers you must use when responding to the client
     *     },
     * }
     * ```
     * @param {HttpRequest} req - new incoming HTTP request
     * @returns {{response: HttpResponse|undefined, revalidation: {headers: Record<string, string>, synchronous: boolean}|undefined}} An object containing keys:
     *   - revalidation: { headers: Record<string, string>, synchronous: boolean } Set if you should send this to the origin server
     *   - response: HttpResponse Set if you can respond to the client with these cached headers
     */
    evaluateRequest(req) {
        this._assertRequestHasHeaders(req);

        // In all circumstances, a cache MUST NOT ignore the must-revalidate directive
        if (this._rescc['must-revalidate']) {
            return this._evaluateRequestMissResult(req);
        }

        if (!this._requestMatches(req, false)) {
            return this._evaluateRequestMissResult(req);
        }

        // When presented with a request, a cache MUST NOT reuse a stored response, unless:
        // the presented request does not contain the no-cache pragma (Section 5.4), nor the no-cache cache directive,
        // unless the stored response is successfully validated (Section 4.3), and
        const requestCC = parseCacheControl(req.headers['cache-control']);

        if (requestCC['no-cache'] || /no-cache/.test(req.headers.pragma)) {
            return this._evaluateRequestMissResult(req);
        }

        if (requestCC['max-age'] && this.age() > toNumberOrZero(requestCC['max-age'])) {
            return this._evaluateRequestMissResult(req);
        }

        if (requestCC['min-fresh'] && this.maxAge() - this.age() < toNumberOrZero(requestCC['min-fresh'])) {
            return this._evaluateRequestMissResult(req);
        }

        // the stored response is either:
        // fresh, or allowed to be served stale
        if (this.stale()) {
            // If a value is present, then the client is willing to accept a response that has
            // exceeded its freshness lifetime by no more than the specified number of seconds
            const allowsStaleWithoutRevalidation = 'max-stale' in requestCC &&
                (true === requestCC['max-stale'] || requestCC['max-stale'] > this.age() - this.maxAge());

            if (allowsStaleWithoutRevalidation) {
                return this._evaluateRequestHitResult(undefined);
            }

            if (this.useStaleWhileRevalidate()) {
                return this._evaluateRequestHitResult(this._evaluateRequestRevalidation(req, false));
            }

            return this._evaluateRequestMissResult(req);
        }

        return this._evaluateRequestHitResult(undefined);
    }

    /**
     * @param {HttpRequest} req - check if this is for the same cache entry
     * @param {boolean} allowHeadMethod - allow a HEAD method to match.
     * @returns {boolean} `true` if the request matches.
     */
    _requestMatches(req, allowHeadMethod) {
        // The presented effective request URI and that of the stored response match, and
        return !!(
            (!this._url || this._url === req.url) &&
            this._host === req.headers.host &&
            // the request method associated with the stored response allows it to be used for the presented request, and
            (!req.method ||
                this._method === req.method ||
                (allowHeadMethod && 'HEAD' === req.method)) &&
            // selecting header fields nominated by the stored response (if any) match those presented, and
            this._varyMatches(req)
        );
    }

    /**
     * Determines whether storing authenticated responses is allowed.
     * @returns {boolean} `true` if allowed.
     */
    _allowsStoringAuthenticated() {
        // following Cache-Control response directives (Section 5.2.2) have such an effect: must-revalidate, public, and s-maxage.
        return !!(
            this._rescc['must-revalidate'] ||
            this._rescc.public ||
            this._rescc['s-maxage']
        );
    }

    /**
     * Checks whether the Vary header in the response matches the new request.
     * @param {HttpRequest} req - incoming HTTP request
     * @returns {boolean} `true` if the vary headers match.
     */
    _varyMatches(req) {
        if (!this._resHeaders.vary) {
            return true;
        }

        const fields = this._resHeaders.vary
            .trim()
            .toLowerCase()
            .split(/\s*,\s*/);

        for (const name of fields) {
            // A Vary header field-value of "*" always fails to match
            if (name === '*') {
                return false;
            }

            const newReq = Object.prototype.hasOwnProperty.call(
                req.headers,
                name
            ) && req.headers[name];

            const cachedReq = Object.prototype.hasOwnProperty.call(
                this._reqHeaders,
                name
            ) && this._reqHeaders[name];

            if (newReq !== cachedReq) {
                return false;
            }
        }

        return true;
    }

    /**
     * Creates a copy of the given headers without any hop-by-hop headers.
     * @param {Record<string, string>} inHeaders - old headers from the cached response
     * @returns {Record<string, string>} A new headers object without hop-by-hop headers.
     */
    _copyWithoutHopByHopHeaders(inHeaders) {
        /** @type {Record<string, string>} */
        const headers = {};
        for (const name in inHeaders) {
            if (hopByHopHeaders[name]) continue;
            headers[name] = inHeaders[name];
        }
        // 9.1.  Connection
        if (inHeaders.connection) {
            const tokens = inHeaders.connection.trim().split(/\s*,\s*/);
            for (const name of tokens) {
                delete headers[name];
            }
        }
        if (headers.warning) {
            const warnings = headers.warning.split(/,/).filter(warning => {
                return !/^\s*1[0-9][0-9]/.test(warning);
            });
            if (!warnings.length) {
                delete headers.warning;
            } else {
                headers.warning = warnings.join(',').trim();
            }
        }
        return headers;
    }

    /**
     * Returns the response headers adjusted for serving the cached response.
     * Removes hop-by-hop headers and updates the Age and Date headers.
     * @returns {Record<string, string>} The adjusted response headers.
     */
    responseHeaders() {
        const headers = this._copyWithoutHopByHopHeaders(this._resHeaders);
        const age = this.age();

        // A cache SHOULD generate 113 warning if it heuristically chose a freshness
        // lifetime greater than 24 hours and the response's age is greater than 24 hours.
        if (
            age > 3600 * 24 &&
            !this._hasExplicitExpiration() &&
            this.maxAge() > 3600 * 24
        ) {
            headers.warning =
                (headers.warning ? `${headers.warning}, ` : '') +
                '113 - "rfc7234 5.5.4"';
        }
        headers.age = `${Math.round(age)}`;
        headers.date = new Date(this.now()).toUTCString();
        return headers;
    }

    /**
     * Returns the status code of the cached response.
     * @returns {number} The response status code.
     */
    status() {
      return this._status;
    }

    /**
     * Returns the Date header value from the response or the current time if invalid.
     * @returns {number} Timestamp (in milliseconds) representing the Date header or response time.
     */
    date() {
        const serverDate = Date.parse(this._resHeaders.date);
        if (isFinite(serverDate)) {
            return serverDate;
        }
        return this._responseTime;
    }

    /**
     * Value of the Age header, in seconds, updated for the current time.
     * May be fractional.
     * @returns {number} The age in seconds.
     */
    age() {
        let age = this._ageValue();

        const residentTime = (this.now() - this._responseTime) / 1000;
        return age + residentTime;
    }

    /**
     * @returns {number} The Age header value as a number.
     */
    _ageValue() {
        return toNumberOrZero(this._resHeaders.age);
    }

    /**
     * Possibly outdated value of applicable max-age (or heuristic equivalent) in seconds.
     * This counts since response's `Date`.
     *
     * For an up-to-date value, see `timeToLive()`.
     *
     * Returns the maximum age (freshness lifetime) of the response in seconds.
     * @returns {number} The max-age value in seconds.
     */
    maxAge() {
        if (!this.storable() || this._rescc['no-cache']) {
            return 0;
        }

        // Shared responses with cookies are cacheable according to the RFC, but IMHO it'd be unwise to do so by default
        // so this implementation requires explicit opt-in via public header
        if (
            this._isShared &&
            (this._resHeaders['set-cookie'] &&
                !this._rescc.public &&
                !this._rescc.immutable)
        ) {
            return 0;
        }

        if (this._resHeaders.vary === '*') {
            return 0;
        }

        if (this._isShared) {
            if (this._rescc['proxy-revalidate']) {
                return 0;
            }
            // if a response includes the s-maxage directive, a shared cache recipient MUST ignore the Expires field.
            if (this._rescc['s-maxage']) {
                return toNumberOrZero(this._rescc['s-maxage']);
            }
        }

        // If a response includes a Cache-Control field with the max-age directive, a recipient MUST ignore the Expires field.
        if (this._rescc['max-age']) {
            return toNumberOrZero(this._rescc['max-age']);
        }

        const defaultMinTtl = this._rescc.immutable ? this._immutableMinTtl : 0;

        const serverDate = this.date();
        if (this._resHeaders.expires) {
            const expires = Date.parse(this._resHeaders.expires);
            // A cache recipient MUST interpret invalid date formats, especially the value "0", as representing a time in the past (i.e., "already expired").
            if (Number.isNaN(expires) || expires < serverDate) {
                return 0;
            }
            return Math.max(defaultMinTtl, (expires - serverDate) / 1000);
        }

        if (this._resHeaders['last-modified']) {
            const lastModified = Date.parse(this._resHeaders['last-modified']);
            if (isFinite(lastModified) && serverDate > lastModified) {
                return Math.max(
                    defaultMinTtl,
                    ((serverDate - lastModified) / 1000) * this._cacheHeuristic
                );
            }
        }

        return defaultMinTtl;
    }

    /**
     * Remaining time this cache entry may be useful for, in *milliseconds*.
     * You can use this as an expiration time for your cache storage.
     *
     * Prefer this method over `maxAge()`, because it includes other factors like `age` and `stale-while-revalidate`.
     * @returns {number} Time-to-live in milliseconds.
     */
    timeToLive() {
        const age = this.maxAge() - this.age();
        const staleIfErrorAge = age + toNumberOrZero(this._rescc['stale-if-error']);
        const staleWhileRevalidateAge = age + toNumberOrZero(this._rescc['stale-while-revalidate']);
        return Math.round(Math.max(0, age, staleIfErrorAge, staleWhileRevalidateAge) * 1000);
    }

    /**
     * If true, this cache entry is past its expiration date.
     * Note that stale cache may be useful sometimes, see `evaluateRequest()`.
     * @returns {boolean} `false` doesn't mean it's fresh nor usable
     */
    stale() {
        return this.maxAge() <= this.age();
    }

    /**
     * @returns {boolean} `true` if `stale-if-error` condition allows use of a stale response.
     */
    _useStaleIfError() {
        return this.maxAge() + toNumberOrZero(this._rescc['stale-if-error']) > this.age();
    }

    /** See `evaluateRequest()` for a more complete solution
     * @returns {boolean} `true` if `stale-while-revalidate` is currently allowed.
     */
    useStaleWhileRevalidate() {
        const swr = toNumberOrZero(this._rescc['stale-while-revalidate']);
        return swr > 0 && this.maxAge() + swr > this.age();
    }

    /**
     * Creates a `CachePolicy` instance from a serialized object.
     * @param {Object} obj - The serialized object.
     * @returns {CachePolicy} A new CachePolicy instance.
     */
    static fromObject(obj) {
        return new this(undefined, undefined, { _fromObject: obj });
    }

    /**
     * @param {any} obj - The serialized object.
     * @throws {Error} If already initialized or if the object is invalid.
     */
    _fromObject(obj) {
        if (this._responseTime) throw Error('Reinitialized');
        if (!obj || obj.v !== 1) throw Error('Invalid serialization');

        this._responseTime = obj.t;
        this._isShared = obj.sh;
        this._cacheHeuristic = obj.ch;
        this._immutableMinTtl =
            obj.imm !== undefined ? obj.imm : 24 * 3600 * 1000;
        this._ignoreCargoCult = !!obj.icc;
        this._status = obj.st;
        this._resHeaders = obj.resh;
        this._rescc = obj.rescc;
        this._method = obj.m;
        this._url = obj.u;
        this._host = obj.h;
        this._noAuthorization = obj.a;
        this._reqHeaders = obj.reqh;
        this._reqcc = obj.reqcc;
    }

    /**
     * Serializes the `CachePolicy` instance into a JSON-serializable object.
     * @returns {Object} The serialized object.
     */
    toObject() {
        return {
            v: 1,
            t: this._responseTime,
            sh: this._isShared,
            ch: this._cacheHeuristic,
            imm: this._immutableMinTtl,
            icc: this._ignoreCargoCult,
            st: this._status,
            resh: this._resHeaders,
            rescc: this._rescc,
            m: this._method,
            u: this._url,
            h: this._host,
            a: this._noAuthorization,
            reqh: this._reqHeaders,
            reqcc: this._reqcc,
        };
    }

    /**
     * Headers for sending to the origin server to revalidate stale response.
     * Allows server to return 304 to allow reuse of the previous response.
     *
     * Hop by hop headers are always stripped.
     * Revalidation headers may be added or removed, depending on request.
     * @param {HttpRequest} incomingReq - The incoming HTTP request.
     * @returns {Record<string, string>} The headers for the revalidation request.
     */
    revalidationHeaders(incomingReq) {
        this._assertRequestHasHeaders(incomingReq);
        const headers = this._copyWithoutHopByHopHeaders(incomingReq.headers);

        // This implementation does not understand range requests
        delete headers['if-range'];

        if (!this._requestMatches(incomingReq, true) || !this.storable()) {
            // revalidation allowed via HEAD
            // not for the same resource, or wasn't allowed to be cached anyway
            delete headers['if-none-match'];
            delete headers['if-modified-since'];
            return headers;
        }

        /* MUST send that entity-tag in any cache validation request (using If-Match or If-None-Match) if an entity-tag has been provided by the origin server. */
        if (this._resHeaders.etag) {
            headers['if-none-match'] = headers['if-none-match']
                ? `${headers['if-none-match']}, ${this._resHeaders.etag}`
                : this._resHeaders.etag;
        }

        // Clients MAY issue simple (non-subrange) GET requests with either weak validators or strong validators. Clients MUST NOT use weak validators in other forms of request.
        const forbidsWeakValidators =
            headers['accept-ranges'] ||
            headers['if-match'] ||
            headers['if-unmodified-since'] ||
            (this._method && this._method != 'GET');

        /* SHOULD send the Last-Modified value in non-subrange cache validation requests (using If-Modified-Since) if only a Last-Modified value has been provided by the origin server.
        Note: This implementation does not understand partial responses (206) */
        if (forbidsWeakValidators) {
            delete headers['if-modified-since'];

            if (headers['if-none-match']) {
                const etags = headers['if-none-match']
                    .split(/,/)
                    .filter(etag => {
                        return !/^\s*W\//.test(etag);
                    });
                if (!etags.length) {
                    delete headers['if-none-match'];
                } else {
                    headers['if-none-match'] = etags.join(',').trim();
                }
            }
        } else if (
            this._resHeaders['last-modified'] &&
            !headers['if-modified-since']
        ) {
            headers['if-modified-since'] = this._resHeaders['last-modified'];
        }

        return headers;
    }

    /**
     * Creates new CachePolicy with information combined from the previews response,
     * and the new revalidation response.
     *
     * Returns {policy, modified} where modified is a boolean indicating
     * whether the response body has been modified, and old cached body can't be used.
     *
     * @param {HttpRequest} request - The latest HTTP request asking for the cached entry.
     * @param {HttpResponse} response - The latest revalidation HTTP response from the origin server.
     * @returns {{policy: CachePolicy, modified: boolean, matches: boolean}} The updated policy and modification status.
     * @throws {Error} If the response headers are missing.
     */
    revalidatedPolicy(request, response) {
        this._assertRequestHasHeaders(request);

        if (this._useStaleIfError() && isErrorResponse(response)) {
          return {
              policy: this,
              modified: false,
              matches: true,
          };
        }

        if (!response || !response.headers) {
            throw Error('Response headers missing');
        }

        // These aren't going to be supported exactly, since one CachePolicy object
        // doesn't know about all the other cached objects.
        let matches = false;
        if (response.status !== undefined && response.status != 304) {
            matches = false;
        } else if (
            response.headers.etag &&
            !/^\s*W\//.test(response.headers.etag)
        ) {
            // "All of the stored responses with the same strong validator are selected.
            // If none of the stored responses contain the same strong validator,
            // then the cache MUST NOT use the new response to update any stored responses."
            matches =
                this._resHeaders.etag &&
                this._resHeaders.etag.replace(/^\s*W\//, '') ===
                    response.headers.etag;
        } else if (this._resHeaders.etag && response.headers.etag) {
            // "If the new response contains a weak validator and that validator corresponds
            // to one of the cache's stored responses,
            // then the most recent of those matching stored responses is selected for update."
            matches =
                this._resHeaders.etag.replace(/^\s*W\//, '') ===
                response.headers.etag.replace(/^\s*W\//, '');
        } else if (this._resHeaders['last-modified']) {
            matches =
                this._resHeaders['last-modified'] ===
                response.headers['last-modified'];
        } else {
            // If the new response does not include any form of validator (such as in the case where
            // a client generates an If-Modified-Since request from a source other than the Last-Modified
            // response header field), and there is only one stored response, and that stored response also
            // lacks a validator, then that stored response is selected for update.
            if (
                !this._resHeaders.etag &&
                !this._resHeaders['last-modified'] &&
                !response.headers.etag &&
                !response.headers['last-modified']
            ) {
                matches = true;
            }
        }

        const optionsCopy = {
            shared: this._isShared,
            cacheHeuristic: this._cacheHeuristic,
            immutableMinTimeToLive: this._immutableMinTtl,
            ignoreCargoCult: this._ignoreCargoCult,
        };

        if (!matches) {
            return {
                policy: new this.constructor(request, response, optionsCopy),
                // Client receiving 304 without body, even if it's invalid/mismatched has no option
                // but to reuse a cached body. We don't have a good way to tell clients to do
                // error recovery in such case.
                modified: response.status != 304,
                matches: false,
            };
        }

        // use other header fields provided in the 304 (Not Modified) response to replace all instances
        // of the corresponding header fields in the stored response.
        const headers = {};
        for (const k in this._resHeaders) {
            headers[k] =
                k in response.headers && !excludedFromRevalidationUpdate[k]
                    ? response.headers[k]
                    : this._resHeaders[k];
        }

        const newResponse = Object.assign({}, response, {
            status: this._status,
            method: this._method,
            headers,
        });
        return {
            policy: new this.constructor(request, newResponse, optionsCopy),
            modified: false,
            matches: true,
        };
    }
};


/***/ }),

/***/ 685:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// See https://github.com/facebook/jest/issues/2549
// eslint-disable-next-line node/prefer-global/url
const {isIP} = __nccwpck_require__(278);
const {URL} = __nccwpck_require__(16);
const EventEmitter = __nccwpck_require__(434);
const tls = __nccwpck_require__(756);
const http2 = __nccwpck_require__(675);
const QuickLRU = __nccwpck_require__(475);
const delayAsyncDestroy = __nccwpck_require__(811);

const kCurrentStreamCount = Symbol('currentStreamCount');
const kRequest = Symbol('request');
const kOriginSet = Symbol('cachedOriginSet');
const kGracefullyClosing = Symbol('gracefullyClosing');
const kLength = Symbol('length');

const nameKeys = [
	// Not an Agent option actually
	'createConnection',

	// `http2.connect()` options
	'maxDeflateDynamicTableSize',
	'maxSettings',
	'maxSessionMemory',
	'maxHeaderListPairs',
	'maxOutstandingPings',
	'maxReservedRemoteStreams',
	'maxSendHeaderBlockLength',
	'paddingStrategy',
	'peerMaxConcurrentStreams',
	'settings',

	// `tls.connect()` source options
	'family',
	'localAddress',
	'rejectUnauthorized',

	// `tls.connect()` secure context options
	'pskCallback',
	'minDHSize',

	// `tls.connect()` destination options
	// - `servername` is automatically validated, skip it
	// - `host` and `port` just describe the destination server,
	'path',
	'socket',

	// `tls.createSecureContext()` options
	'ca',
	'cert',
	'sigalgs',
	'ciphers',
	'clientCertEngine',
	'crl',
	'dhparam',
	'ecdhCurve',
	'honorCipherOrder',
	'key',
	'privateKeyEngine',
	'privateKeyIdentifier',
	'maxVersion',
	'minVersion',
	'pfx',
	'secureOptions',
	'secureProtocol',
	'sessionIdContext',
	'ticketKeys'
];

const getSortedIndex = (array, value, compare) => {
	let low = 0;
	let high = array.length;

	while (low < high) {
		const mid = (low + high) >>> 1;

		if (compare(array[mid], value)) {
			low = mid + 1;
		} else {
			high = mid;
		}
	}

	return low;
};

const compareSessions = (a, b) => a.remoteSettings.maxConcurrentStreams > b.remoteSettings.maxConcurrentStreams;

// See https://tools.ietf.org/html/rfc8336
const closeCoveredSessions = (where, session) => {
	// Clients SHOULD NOT emit new requests on any connection whose Origin
	// Set is a proper subset of another connection's Origin Set, and they
	// SHOULD close it once all outstanding requests are satisfied.
	for (let index = 0; index < where.length; index++) {
		const coveredSession = where[index];

		if (
			// Unfortunately `.every()` returns true for an empty array
			coveredSession[kOriginSet].length > 0

			// The set is a proper subset when its length is less than the other set.
			&& coveredSession[kOriginSet].length < session[kOriginSet].length

			// And the other set includes all elements of the subset.
			&& coveredSession[kOriginSet].every(origin => session[kOriginSet].includes(origin))

			// Makes sure that the session can handle all requests from the covered session.
			&& (coveredSession[kCurrentStreamCount] + session[kCurrentStreamCount]) <= session.remoteSettings.maxConcurrentStreams
		) {
			// This allows pending requests to finish and prevents making new requests.
			gracefullyClose(coveredSession);
		}
	}
};

// This is basically inverted `closeCoveredSessions(...)`.
const closeSessionIfCovered = (where, coveredSession) => {
	for (let index = 0; index < where.length; index++) {
		const session = where[index];

		if (
			coveredSession[kOriginSet].length > 0
			&& coveredSession[kOriginSet].length < session[kOriginSet].length
			&& coveredSession[kOriginSet].every(origin => session[kOriginSet].includes(origin))
			&& (coveredSession[kCurrentStreamCount] + session[kCurrentStreamCount]) <= session.remoteSettings.maxConcurrentStreams
		) {
			gracefullyClose(coveredSession);

			return true;
		}
	}

	return false;
};

const gracefullyClose = session => {
	session[kGracefullyClosing] = true;

	if (session[kCurrentStreamCount] === 0) {
		session.close();
	}
};

class Agent extends EventEmitter {
	constructor({timeout = 0, maxSessions = Number.POSITIVE_INFINITY, maxEmptySessions = 10, maxCachedTlsSessions = 100} = {}) {
		super();

		// SESSIONS[NORMALIZED_OPTIONS] = [];
		this.sessions = {};

		// The queue for creating new sessions. It looks like this:
		// QUEUE[NORMALIZED_OPTIONS][NORMALIZED_ORIGIN] = ENTRY_FUNCTION
		//
		// It's faster when there are many origins. If there's only one, then QUEUE[`${options}:${origin}`] is faster.
		// I guess object creation / deletion is causing the slowdown.
		//
		// The entry function has `listeners`, `completed` and `destroyed` properties.
		// `listeners` is an array of objects containing `resolve` and `reject` functions.
		// `completed` is a boolean. It's set to true after ENTRY_FUNCTION is executed.
		// `destroyed` is a boolean. If it's set to true, the session will be destroyed if hasn't connected yet.
		this.queue = {};

		// Each session will use this timeout value.
		this.timeout = timeout;

		// Max sessions in total
		this.maxSessions = maxSessions;

		// Max empty sessions in total
		this.maxEmptySessions = maxEmptySessions;

		this._emptySessionCount = 0;
		this._sessionCount = 0;

		// We don't support push streams by default.
		this.settings = {
			enablePush: false,
			initialWindowSize: 1024 * 1024 * 32 // 32MB, see https://github.com/nodejs/node/issues/38426
		};

		// Reusing TLS sessions increases performance.
		this.tlsSessionCache = new QuickLRU({maxSize: maxCachedTlsSessions});
	}

	get protocol() {
		return 'https:';
	}

	normalizeOptions(options) {
		let normalized = '';

		for (let index = 0; index < nameKeys.length; index++) {
			const key = nameKeys[index];

			normalized += ':';

			if (options && options[key] !== undefined) {
				normalized += options[key];
			}
		}

		return normalized;
	}

	_processQueue() {
		if (this._sessionCount >= this.maxSessions) {
			this.closeEmptySessions(this.maxSessions - this._sessionCount + 1);
			return;
		}

		// eslint-disable-next-line guard-for-in
		for (const normalizedOptions in this.queue) {
			// eslint-disable-next-line guard-for-in
			for (const normalizedOrigin in this.queue[normalizedOptions]) {
				const item = this.queue[normalizedOptions][normalizedOrigin];

				// The entry function can be run only once.
				if (!item.completed) {
					item.completed = true;

					item();
				}
			}
		}
	}

	_isBetterSession(thisStreamCount, thatStreamCount) {
		return thisStreamCount > thatStreamCount;
	}

	_accept(session, listeners, normalizedOrigin, options) {
		let index = 0;

		while (index < listeners.length && session[kCurrentStreamCount] < session.remoteSettings.maxConcurrentStreams) {
			// We assume `resolve(...)` calls `request(...)` *directly*,
			// otherwise the session will get overloaded.
			listeners[index].resolve(session);

			index++;
		}

		listeners.splice(0, index);

		if (listeners.length > 0) {
			this.getSession(normalizedOrigin, options, listeners);
			listeners.length = 0;
		}
	}

	getSession(origin, options, listeners) {
		return new Promise((resolve, reject) => {
			if (Array.isArray(listeners) && listeners.length > 0) {
				listeners = [...listeners];

				// Resolve the current promise ASAP, we're just moving the listeners.
				// They will be executed at a different time.
				resolve();
			} else {
				listeners = [{resolve, reject}];
			}

			try {
				// Parse origin
				if (typeof origin === 'string') {
					origin = new URL(origin);
				} else if (!(origin instanceof URL)) {
					throw new TypeError('The `origin` argument needs to be a string or an URL object');
				}

				if (options) {
					// Validate servername
					const {servername} = options;
					const {hostname} = origin;
					if (servername && hostname !== servername) {
						throw new Error(`Origin ${hostname} differs from servername ${servername}`);
					}
				}
			} catch (error) {
				for (let index = 0; index < listeners.length; index++) {
					listeners[index].reject(error);
				}

				return;
			}

			const normalizedOptions = this.normalizeOptions(options);
			const normalizedOrigin = origin.origin;

			if (normalizedOptions in this.sessions) {
				const sessions = this.sessions[normalizedOptions];

				let maxConcurrentStreams = -1;
				let currentStreamsCount = -1;
				let optimalSession;

				// We could just do this.sessions[normalizedOptions].find(...) but that isn't optimal.
				// Additionally, we are looking for session which has biggest current pending streams count.
				//
				// |------------| |------------| |------------| |------------|
				// | Session: A | | Session: B | | Session: C | | Session: D |
				// | Pending: 5 |-| Pending: 8 |-| Pending: 9 |-| Pending: 4 |
				// | Max:    10 | | Max:    10 | | Max:     9 | | Max:     5 |
				// |------------| |------------| |------------| |------------|
				//                     ^
				//                     |
				//     pick this one  --
				//
				for (let index = 0; index < sessions.length; index++) {
					const session = sessions[index];

					const sessionMaxConcurrentStreams = session.remoteSettings.maxConcurrentStreams;

					if (sessionMaxConcurrentStreams < maxConcurrentStreams) {
						break;
					}

					if (!session[kOriginSet].includes(normalizedOrigin)) {
						continue;
					}

					const sessionCurrentStreamsCount = session[kCurrentStreamCount];

					if (
						sessionCurrentStreamsCount >= sessionMaxConcurrentStreams
						|| session[kGracefullyClosing]
						// Unfortunately the `close` event isn't called immediately,
						// so `session.destroyed` is `true`, but `session.closed` is `false`.
						|| session.destroyed
					) {
						continue;
					}

					// We only need set this once.
					if (!optimalSession) {
						maxConcurrentStreams = sessionMaxConcurrentStreams;
					}

					// Either get the session which has biggest current stream count or the lowest.
					if (this._isBetterSession(sessionCurrentStreamsCount, currentStreamsCount)) {
						optimalSession = session;
						currentStreamsCount = sessionCurrentStreamsCount;
					}
				}

				if (optimalSession) {
					this._accept(optimalSession, listeners, normalizedOrigin, options);
					return;
				}
			}

			if (normalizedOptions in this.queue) {
				if (normalizedOrigin in this.queue[normalizedOptions]) {
					// There's already an item in the queue, just attach ourselves to it.
					this.queue[normalizedOptions][normalizedOrigin].listeners.push(...listeners);
					return;
				}
			} else {
				this.queue[normalizedOptions] = {
					[kLength]: 0
				};
			}

			// The entry must be removed from the queue IMMEDIATELY when:
			// 1. the session connects successfully,
			// 2. an error occurs.
			const removeFromQueue = () => {
				// Our entry can be replaced. We cannot remove the new one.
				if (normalizedOptions in this.queue && this.queue[normalizedOptions][normalizedOrigin] === entry) {
					delete this.queue[normalizedOptions][normalizedOrigin];

					if (--this.queue[normalizedOptions][kLength] === 0) {
						delete this.queue[normalizedOptions];
					}
				}
			};

			// The main logic is here
			const entry = async () => {
				this._sessionCount++;

				const name = `${normalizedOrigin}:${normalizedOptions}`;
				let receivedSettings = false;
				let socket;

				try {
					const computedOptions = {...options};

					if (computedOptions.settings === undefined) {
						computedOptions.settings = this.settings;
					}

					if (computedOptions.session === undefined) {
						computedOptions.session = this.tlsSessionCache.get(name);
					}

					const createConnection = computedOptions.createConnection || this.createConnection;

					let error;

					// A hacky workaround to enable async `createConnection`
					socket = await createConnection.call(this, origin, computedOptions);

					// Node's design a mistake.
					// A better solution would be to store the error, not crash.
					socket.once('error', e => {
						error = e;
					});

					computedOptions.createConnection = () => {
						if (error !== undefined) {
							throw error;
						}

						return socket;
					};

					const session = http2.connect(origin, computedOptions);
					session[kCurrentStreamCount] = 0;
					session[kGracefullyClosing] = false;

					// Node.js return https://false:443 instead of https://1.1.1.1:443
					const getOriginSet = () => {
						const {socket} = session;

						let originSet;
						if (socket.servername === false) {
							socket.servername = socket.remoteAddress;
							originSet = session.originSet;
							socket.servername = false;
						} else {
							originSet = session.originSet;
						}

						const cert = socket.getPeerX509Certificate?.();
						if (!cert) {
							let hostname = socket.servername;
							if (hostname === null || hostname === false) {
								if (socket.remoteFamily === 'IPv6') {
									hostname = `[${socket.remoteAddress}]`;
								} else {
									hostname = socket.remoteAddress;
								}
							}

							let origin = `https://${hostname}`;

							if (socket.remotePort !== null && socket.remotePort !== undefined) {
								origin += `:${socket.remotePort}`;
							}

							const parsed = URL.parse(origin);

							if (parsed !== null) {
								return [parsed.origin];
							}

							return [];
						}

						return originSet.filter(origin => {
							if (origin.startsWith('https://')) {
								origin = origin.slice('https://'.length);
							}

							const colon = origin.indexOf(':');

							if (colon !== -1) {
								origin = origin.slice(0, colon);
							}

							if (origin[0] === '[') {
								origin = origin.slice(1, -1);
							}

							if (isIP(origin)) {
								return cert.checkIP(origin) !== undefined;
							} else {
								return cert.checkHost(origin) !== undefined;
							}
						});
					};

					const isFree = () => session[kCurrentStreamCount] < session.remoteSettings.maxConcurrentStreams;

					session.socket.once('session', tlsSession => {
						this.tlsSessionCache.set(name, tlsSession);
					});

					session.once('error', error => {
						// Listeners are empty when the session successfully connected.
						for (let index = 0; index < listeners.length; index++) {
							listeners[index].reject(error);
						}

						// The connection got broken, purge the cache.
						this.tlsSessionCache.delete(name);
					});

					session.setTimeout(this.timeout, () => {
						// Terminates all streams owned by this session.
						session.destroy();
					});

					session.once('close', () => {
						this._sessionCount--;

						if (receivedSettings) {
							// Assumes session `close` is emitted after request `close`
							this._emptySessionCount--;

							// This cannot be moved to the stream logic,
							// because there may be a session that hadn't made a single request.
							const where = this.sessions[normalizedOptions];

							if (where.length === 1) {
								delete this.sessions[normalizedOptions];
							} else {
								where.splice(where.indexOf(session), 1);
							}
						} else {
							// Broken connection
							removeFromQueue();

							const error = new Error('Session closed without receiving a SETTINGS frame');
							error.code = 'HTTP2WRAPPER_NOSETTINGS';

							for (let index = 0; index < listeners.length; index++) {
								listeners[index].reject(error);
							}
						}

						// There may be another session awaiting.
						this._processQueue();
					});

					// Iterates over the queue and processes listeners.
					const processListeners = () => {
						const queue = this.queue[normalizedOptions];
						if (!queue) {
							return;
						}

						const originSet = session[kOriginSet];

						for (let index = 0; index < originSet.length; index++) {
							const origin = originSet[index];

							if (origin in queue) {
								const {listeners, completed} = queue[origin];

								let index = 0;

								// Prevents session overloading.
								while (index < listeners.length && isFree()) {
									// We assume `resolve(...)` calls `request(...)` *directly*,
									// otherwise the session will get overloaded.
									listeners[index].resolve(session);

									index++;
								}

								queue[origin].listeners.splice(0, index);

								if (queue[origin].listeners.length === 0 && !completed) {
									delete queue[origin];

									if (--queue[kLength] === 0) {
										delete this.queue[normalizedOptions];
										break;
									}
								}

								// We're no longer free, no point in continuing.
								if (!isFree()) {
									break;
								}
							}
						}
					};

					// The Origin Set cannot shrink. No need to check if it suddenly became covered by another one.
					session.on('origin', () => {
						session[kOriginSet] = getOriginSet() || [];
						session[kGracefullyClosing] = false;
						closeSessionIfCovered(this.sessions[normalizedOptions], session);

						if (session[kGracefullyClosing] || !isFree()) {
							return;
						}

						processListeners();

						if (!isFree()) {
							return;
						}

						// Close covered sessions (if possible).
						closeCoveredSessions(this.sessions[normalizedOptions], session);
					});

					session.once('remoteSettings', () => {
						// The Agent could have been destroyed already.
						if (entry.destroyed) {
							const error = new Error('Agent has been destroyed');

							for (let index = 0; index < listeners.length; index++) {
								listeners[index].reject(error);
							}

							session.destroy();
							return;
						}

						// See https://github.com/nodejs/node/issues/38426
						if (session.setLocalWindowSize) {
							session.setLocalWindowSize(1024 * 1024 * 4); // 4 MB
						}

						session[kOriginSet] = getOriginSet() || [];

						if (session.socket.encrypted) {
							const mainOrigin = session[kOriginSet][0];
							if (mainOrigin !== normalizedOrigin) {
								const error = new Error(`Requested origin ${normalizedOrigin} does not match server ${mainOrigin}`);

								for (let index = 0; index < listeners.length; index++) {
									listeners[index].reject(error);
								}

								session.destroy();
								return;
							}
						}

						removeFromQueue();

						{
							const where = this.sessions;

							if (normalizedOptions in where) {
								const sessions = where[normalizedOptions];
								sessions.splice(getSortedIndex(sessions, session, compareSessions), 0, session);
							} else {
								where[normalizedOptions] = [session];
							}
						}

						receivedSettings = true;
						this._emptySessionCount++;

						this.emit('session', session);
						this._accept(session, listeners, normalizedOrigin, options);

						if (session[kCurrentStreamCount] === 0 && this._emptySessionCount > this.maxEmptySessions) {
							this.closeEmptySessions(this._emptySessionCount - this.maxEmptySessions);
						}

						// `session.remoteSettings.maxConcurrentStreams` might get increased
						session.on('remoteSettings', () => {
							if (!isFree()) {
								return;
							}

							processListeners();

							if (!isFree()) {
								return;
							}

							// In case the Origin Set changes
							closeCoveredSessions(this.sessions[normalizedOptions], session);
						});
					});

					// Shim `session.request()` in order to catch all streams
					session[kRequest] = session.request;
					session.request = (headers, streamOptions) => {
						if (session[kGracefullyClosing]) {
							throw new Error('The session is gracefully closing. No new streams are allowed.');
						}

						const stream = session[kRequest](headers, streamOptions);

						// The process won't exit until the session is closed or all requests are gone.
						session.ref();

						if (session[kCurrentStreamCount]++ === 0) {
							this._emptySessionCount--;
						}

						stream.once('close', () => {
							if (--session[kCurrentStreamCount] === 0) {
								this._emptySessionCount++;
								session.unref();

								if (this._emptySessionCount > this.maxEmptySessions || session[kGracefullyClosing]) {
									session.close();
									return;
								}
							}

							if (session.destroyed || session.closed) {
								return;
							}

							if (isFree() && !closeSessionIfCovered(this.sessions[normalizedOptions], session)) {
								closeCoveredSessions(this.sessions[normalizedOptions], session);
								processListeners();

								if (session[kCurrentStreamCount] === 0) {
									this._processQueue();
								}
							}
						});

						return stream;
					};
				} catch (error) {
					removeFromQueue();
					this._sessionCount--;

					for (let index = 0; index < listeners.length; index++) {
						listeners[index].reject(error);
					}
				}
			};

			entry.listeners = listeners;
			entry.completed = false;
			entry.destroyed = false;

			this.queue[normalizedOptions][normalizedOrigin] = entry;
			this.queue[normalizedOptions][kLength]++;
			this._processQueue();
		});
	}

	request(origin, options, headers, streamOptions) {
		return new Promise((resolve, reject) => {
			this.getSession(origin, options, [{
				reject,
				resolve: session => {
					try {
						const stream = session.request(headers, streamOptions);

						// Do not throw before `request(...)` has been awaited
						delayAsyncDestroy(stream);

						resolve(stream);
					} catch (error) {
						reject(error);
					}
				}
			}]);
		});
	}

	async createConnection(origin, options) {
		return Agent.connect(origin, options);
	}

	static connect(origin, options) {
		options.ALPNProtocols = ['h2'];

		const port = origin.port || 443;
		let host = origin.hostname;

		if (host[0] === '[') {
			host = host.slice(1, -1);
		}

		if (typeof options.servername === 'undefined') {
			options.servername = host;
		}

		const socket = tls.connect(port, host, options);

		if (options.socket) {
			socket._peername = {
				family: undefined,
				address: undefined,
				port
			};
		}

		return delayAsyncDestroy(socket);
	}

	closeEmptySessions(maxCount = Number.POSITIVE_INFINITY) {
		let closedCount = 0;

		const {sessions} = this;

		// eslint-disable-next-line guard-for-in
		for (const key in sessions) {
			const thisSessions = sessions[key];

			for (let index = 0; index < thisSessions.length; index++) {
				const session = thisSessions[index];

				if (session[kCurrentStreamCount] === 0) {
					closedCount++;
					session.close();

					if (closedCount >= maxCount) {
						return closedCount;
					}
				}
			}
		}

		return closedCount;
	}

	destroy(reason) {
		const {sessions, queue} = this;

		// eslint-disable-next-line guard-for-in
		for (const key in sessions) {
			const thisSessions = sessions[key];

			for (let index = 0; index < thisSessions.length; index++) {
				thisSessions[index].destroy(reason);
			}
		}

		// eslint-disable-next-line guard-for-in
		for (const normalizedOptions in queue) {
			const entries = queue[normalizedOptions];

			// eslint-disable-next-line guard-for-in
			for (const normalizedOrigin in entries) {
				entries[normalizedOrigin].destroyed = true;
			}
		}

		// New requests should NOT attach to destroyed sessions
		this.queue = {};
		this.tlsSessionCache.clear();
	}

	get emptySessionCount() {
		return this._emptySessionCount;
	}

	get pendingSessionCount() {
		return this._sessionCount - this._emptySessionCount;
	}

	get sessionCount() {
		return this._sessionCount;
	}
}

Agent.kCurrentStreamCount = kCurrentStreamCount;
Agent.kGracefullyClosing = kGracefullyClosing;

module.exports = {
	Agent,
	globalAgent: new Agent()
};


/***/ }),

/***/ 213:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// See https://github.com/facebook/jest/issues/2549
// eslint-disable-next-line node/prefer-global/url
const {URL, urlToHttpOptions} = __nccwpck_require__(16);
const http = __nccwpck_require__(611);
const https = __nccwpck_require__(692);
const resolveALPN = __nccwpck_require__(824);
const QuickLRU = __nccwpck_require__(475);
const {Agent, globalAgent} = __nccwpck_require__(685);
const Http2ClientRequest = __nccwpck_require__(605);
const calculateServerName = __nccwpck_require__(850);
const delayAsyncDestroy = __nccwpck_require__(811);

const cache = new QuickLRU({maxSize: 100});
const queue = new Map();

const installSocket = (agent, socket, options) => {
	socket._httpMessage = {shouldKeepAlive: true};

	const onFree = () => {
		agent.emit('free', socket, options);
	};

	socket.on('free', onFree);

	const onClose = () => {
		agent.removeSocket(socket, options);
	};

	socket.on('close', onClose);

	const onTimeout = () => {
		const {freeSockets} = agent;

		for (const sockets of Object.values(freeSockets)) {
			if (sockets.includes(socket)) {
				socket.destroy();
				return;
			}
		}
	};

	socket.on('timeout', onTimeout);

	const onRemove = () => {
		agent.removeSocket(socket, options);
		socket.off('close', onClose);
		socket.off('free', onFree);
		socket.off('timeout', onTimeout);
		socket.off('agentRemove', onRemove);
	};

	socket.on('agentRemove', onRemove);

	agent.emit('free', socket, options);
};

const createResolveProtocol = (cache, queue = new Map(), connect = undefined) => {
	return async options => {
		const name = `${options.host}:${options.port}:${options.ALPNProtocols.sort()}`;

		if (!cache.has(name)) {
			if (queue.has(name)) {
				const result = await queue.get(name);
				return {alpnProtocol: result.alpnProtocol};
			}

			const {path} = options;
			options.path = options.socketPath;

			const resultPromise = resolveALPN(options, connect);
			queue.set(name, resultPromise);

			try {
				const result = await resultPromise;

				cache.set(name, result.alpnProtocol);
				queue.delete(name);

				options.path = path;

				return result;
			} catch (error) {
				queue.delete(name);

				options.path = path;

				throw error;
			}
		}

		return {alpnProtocol: cache.get(name)};
	};
};

const defaultResolveProtocol = createResolveProtocol(cache, queue);

module.exports = async (input, options, callback) => {
	if (typeof input === 'string') {
		input = urlToHttpOptions(new URL(input));
	} else if (input instanceof URL) {
		input = urlToHttpOptions(input);
	} else {
		input = {...input};
	}

	if (typeof options === 'function' || options === undefined) {
		// (options, callback)
		callback = options;
		options = input;
	} else {
		// (input, options, callback)
		options = Object.assign(input, options);
	}

	options.ALPNProtocols = options.ALPNProtocols || ['h2', 'http/1.1'];

	if (!Array.isArray(options.ALPNProtocols) || options.ALPNProtocols.length === 0) {
		throw new Error('The `ALPNProtocols` option must be an Array with at least one entry');
	}

	options.protocol = options.protocol || 'https:';
	const isHttps = options.protocol === 'https:';

	options.host = options.hostname || options.host || 'localhost';
	options.session = options.tlsSession;
	options.servername = options.servername || calculateServerName((options.headers && options.headers.host) || options.host);
	options.port = options.port || (isHttps ? 443 : 80);
	options._defaultAgent = isHttps ? https.globalAgent : http.globalAgent;

	const resolveProtocol = options.resolveProtocol || defaultResolveProtocol;

	// Note: We don't support `h2session` here

	let {agent} = options;
	if (agent !== undefined && agent !== false && agent.constructor.name !== 'Object') {
		throw new Error('The `options.agent` can be only an object `http`, `https` or `http2` properties');
	}

	if (isHttps) {
		options.resolveSocket = true;

		let {socket, alpnProtocol, timeout} = await resolveProtocol(options);

		if (timeout) {
			if (socket) {
				socket.destroy();
			}

			const error = new Error(`Timed out resolving ALPN: ${options.timeout} ms`);
			error.code = 'ETIMEDOUT';
			error.ms = options.timeout;

			throw error;
		}

		// We can't accept custom `createConnection` because the API is different for HTTP/2
		if (socket && options.createConnection) {
			socket.destroy();
			socket = undefined;
		}

		delete options.resolveSocket;

		const isHttp2 = alpnProtocol === 'h2';

		if (agent) {
			agent = isHttp2 ? agent.http2 : agent.https;
			options.agent = agent;
		}

		if (agent === undefined) {
			agent = isHttp2 ? globalAgent : https.globalAgent;
		}

		if (socket) {
			if (agent === false) {
				socket.destroy();
			} else {
				const defaultCreateConnection = (isHttp2 ? Agent : https.Agent).prototype.createConnection;

				if (agent.createConnection === defaultCreateConnection) {
					if (isHttp2) {
						options._reuseSocket = socket;
					} else {
						installSocket(agent, socket, options);
					}
				} else {
					socket.destroy();
				}
			}
		}

		if (isHttp2) {
			return delayAsyncDestroy(new Http2ClientRequest(options, callback));
		}
	} else if (agent) {
		options.agent = agent.http;
	}

	// If we're sending HTTP/1.1, handle any explicitly set H2 headers in the options:
	if (options.headers) {
		options.headers = {...options.headers};

		// :authority is equivalent to the HTTP/1.1 host header
		if (options.headers[':authority']) {
			if (!options.headers.host) {
				options.headers.host = options.headers[':authority'];
			}

			delete options.headers[':authority'];
		}

		// Remove other HTTP/2 headers as they have their counterparts in the options
		delete options.headers[':method'];
		delete options.headers[':scheme'];
		delete options.headers[':path'];
	}

	return delayAsyncDestroy(http.request(options, callback));
};

module.exports.protocolCache = cache;
module.exports.resolveProtocol = defaultResolveProtocol;
module.exports.createResolveProtocol = createResolveProtocol;


/***/ }),

/***/ 605:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// See https://github.com/facebook/jest/issues/2549
// eslint-disable-next-line node/prefer-global/url
const {URL, urlToHttpOptions} = __nccwpck_require__(16);
const http2 = __nccwpck_require__(675);
const {Writable} = __nccwpck_require__(584);
const {Agent, globalAgent} = __nccwpck_require__(685);
const IncomingMessage = __nccwpck_require__(156);
const proxyEvents = __nccwpck_require__(118);
const {
	ERR_INVALID_ARG_TYPE,
	ERR_INVALID_PROTOCOL,
	ERR_HTTP_HEADERS_SENT
} = __nccwpck_require__(731);
const validateHeaderName = __nccwpck_require__(212);
const validateHeaderValue = __nccwpck_require__(462);
const proxySocketHandler = __nccwpck_require__(83);

const {
	HTTP2_HEADER_STATUS,
	HTTP2_HEADER_METHOD,
	HTTP2_HEADER_PATH,
	HTTP2_HEADER_AUTHORITY,
	HTTP2_METHOD_CONNECT
} = http2.constants;

const kHeaders = Symbol('headers');
const kOrigin = Symbol('origin');
const kSession = Symbol('session');
const kOptions = Symbol('options');
const kFlushedHeaders = Symbol('flushedHeaders');
const kJobs = Symbol('jobs');
const kPendingAgentPromise = Symbol('pendingAgentPromise');

class ClientRequest extends Writable {
	constructor(input, options, callback) {
		super({
			autoDestroy: false,
			emitClose: false
		});

		if (typeof input === 'string') {
			input = urlToHttpOptions(new URL(input));
		} else if (input instanceof URL) {
			input = urlToHttpOptions(input);
		} else {
			input = {...input};
		}

		if (typeof options === 'function' || options === undefined) {
			// (options, callback)
			callback = options;
			options = input;
		} else {
			// (input, options, callback)
			options = Object.assign(input, options);
		}

		if (options.h2session) {
			this[kSession] = options.h2session;

			if (this[kSession].destroyed) {
				throw new Error('The session has been closed already');
			}

			this.protocol = this[kSession].socket.encrypted ? 'https:' : 'http:';
		} else if (options.agent === false) {
			this.agent = new Agent({maxEmptySessions: 0});
		} else if (typeof options.agent === 'undefined' || options.agent === null) {
			this.agent = globalAgent;
		} else if (typeof options.agent.request === 'function') {
			this.agent = options.agent;
		} else {
			throw new ERR_INVALID_ARG_TYPE('options.agent', ['http2wrapper.Agent-like Object', 'undefined', 'false'], options.agent);
		}

		if (this.agent) {
			this.protocol = this.agent.protocol;
		}

		if (options.protocol && options.protocol !== this.protocol) {
			throw new ERR_INVALID_PROTOCOL(options.protocol, this.protocol);
		}

		if (!options.port) {
			options.port = options.defaultPort || (this.agent && this.agent.defaultPort) || 443;
		}

		options.host = options.hostname || options.host || 'localhost';

		// Unused
		delete options.hostname;

		const {timeout} = options;
		options.timeout = undefined;

		this[kHeaders] = Object.create(null);
		this[kJobs] = [];

		this[kPendingAgentPromise] = undefined;

		this.socket = null;
		this.connection = null;

		this.method = options.method || 'GET';

		if (!(this.method === 'CONNECT' && (options.path === '/' || options.path === undefined))) {
			this.path = options.path;
		}

		this.res = null;
		this.aborted = false;
		this.reusedSocket = false;

		const {headers} = options;
		if (headers) {
			// eslint-disable-next-line guard-for-in
			for (const header in headers) {
				this.setHeader(header, headers[header]);
			}
		}

		if (options.auth && !('authorization' in this[kHeaders])) {
			this[kHeaders].authorization = 'Basic ' + Buffer.from(options.auth).toString('base64');
		}

		options.session = options.tlsSession;
		options.path = options.socketPath;

		this[kOptions] = options;

		// Clients that generate HTTP/2 requests directly SHOULD use the :authority pseudo-header field instead of the Host header field.
		this[kOrigin] = new URL(`${this.protocol}//${options.servername || options.host}:${options.port}`);

		// A socket is being reused
		const reuseSocket = options._reuseSocket;
		if (reuseSocket) {
			options.createConnection = (...args) => {
				if (reuseSocket.destroyed) {
					return this.agent.createConnection(...args);
				}

				return reuseSocket;
			};

			// eslint-disable-next-line promise/prefer-await-to-then
			this.agent.getSession(this[kOrigin], this[kOptions]).catch(() => {});
		}

		if (timeout) {
			this.setTimeout(timeout);
		}

		if (callback) {
			this.once('response', callback);
		}

		this[kFlushedHeaders] = false;
	}

	get method() {
		return this[kHeaders][HTTP2_HEADER_METHOD];
	}

	set method(value) {
		if (value) {
			this[kHeaders][HTTP2_HEADER_METHOD] = value.toUpperCase();
		}
	}

	get path() {
		const header = this.method === 'CONNECT' ? HTTP2_HEADER_AUTHORITY : HTTP2_HEADER_PATH;

		return this[kHeaders][header];
	}

	set path(value) {
		if (value) {
			const header = this.method === 'CONNECT' ? HTTP2_HEADER_AUTHORITY : HTTP2_HEADER_PATH;

			this[kHeaders][header] = value;
		}
	}

	get host() {
		return this[kOrigin].hostname;
	}

	set host(_value) {
		// Do nothing as this is read only.
	}

	get _mustNotHaveABody() {
		return this.method === 'GET' || this.method === 'HEAD' || this.method === 'DELETE';
	}

	_write(chunk, encoding, callback) {
		// https://github.com/nodejs/node/blob/654df09ae0c5e17d1b52a900a545f0664d8c7627/lib/internal/http2/util.js#L148-L156
		if (this._mustNotHaveABody) {
			callback(new Error('The GET, HEAD and DELETE methods must NOT have a body'));
			/* istanbul ignore next: Node.js 12 throws directly */
			return;
		}

		this.flushHeaders();

		const callWrite = () => this._request.write(chunk, encoding, callback);
		if (this._request) {
			callWrite();
		} else {
			this[kJobs].push(callWrite);
		}
	}

	_final(callback) {
		this.flushHeaders();

		const callEnd = () => {
			// For GET, HEAD and DELETE and CONNECT
			if (this._mustNotHaveABody || this.method === 'CONNECT') {
				callback();
				return;
			}

			this._request.end(callback);
		};

		if (this._request) {
			callEnd();
		} else {
			this[kJobs].push(callEnd);
		}
	}

	abort() {
		if (this.res && this.res.complete) {
			return;
		}

		if (!this.aborted) {
			process.nextTick(() => this.emit('abort'));
		}

		this.aborted = true;

		this.destroy();
	}

	async _destroy(error, callback) {
		if (this.res) {
			this.res._dump();
		}

		if (this._request) {
			this._request.destroy();
		} else {
			process.nextTick(() => {
				this.emit('close');
			});
		}

		try {
			await this[kPendingAgentPromise];
		} catch (internalError) {
			if (this.aborted) {
				error = internalError;
			}
		}

		callback(error);
	}

	async flushHeaders() {
		if (this[kFlushedHeaders] || this.destroyed) {
			return;
		}

		this[kFlushedHeaders] = true;

		const isConnectMethod = this.method === HTTP2_METHOD_CONNECT;

		// The real magic is here
		const onStream = stream => {
			this._request = stream;

			if (this.destroyed) {
				stream.destroy();
				return;
			}

			// Forwards `timeout`, `continue`, `close` and `error` events to this instance.
			if (!isConnectMethod) {
				// TODO: Should we proxy `close` here?
				proxyEvents(stream, this, ['timeout', 'continue']);
			}

			stream.once('error', error => {
				this.destroy(error);
			});

			stream.once('aborted', () => {
				const {res} = this;
				if (res) {
					res.aborted = true;
					res.emit('aborted');
					res.destroy();
				} else {
					this.destroy(new Error('The server aborted the HTTP/2 stream'));
				}
			});

			const onResponse = (headers, flags, rawHeaders) => {
				// If we were to emit raw request stream, it would be as fast as the native approach.
				// Note that wrapping the raw stream in a Proxy instance won't improve the performance (already tested it).
				const response = new IncomingMessage(this.socket, stream.readableHighWaterMark);
				this.res = response;

				// Undocumented, but it is used by `cacheable-request`
				response.url = `${this[kOrigin].origin}${this.path}`;

				response.req = this;
				response.statusCode = headers[HTTP2_HEADER_STATUS];
				response.headers = headers;
				response.rawHeaders = rawHeaders;

				response.once('end', () => {
					response.complete = true;

					// Has no effect, just be consistent with the Node.js behavior
					response.socket = null;
					response.connection = null;
				});

				if (isConnectMethod) {
					response.upgrade = true;

					// The HTTP1 API says the socket is detached here,
					// but we can't do that so we pass the original HTTP2 request.
					if (this.emit('connect', response, stream, Buffer.alloc(0))) {
						this.emit('close');
					} else {
						// No listeners attached, destroy the original request.
						stream.destroy();
					}
				} else {
					// Forwards data
					stream.on('data', chunk => {
						if (!response._dumped && !response.push(chunk)) {
							stream.pause();
						}
					});

					stream.once('end', () => {
						if (!this.aborted) {
							response.push(null);
						}
					});

					if (!this.emit('response', response)) {
						// No listeners attached, dump the response.
						response._dump();
					}
				}
			};

			// This event tells we are ready to listen for the data.
			stream.once('response', onResponse);

			// Emits `information` event
			stream.once('headers', headers => this.emit('information', {statusCode: headers[HTTP2_HEADER_STATUS]}));

			stream.once('trailers', (trailers, flags, rawTrailers) => {
				const {res} = this;

				// https://github.com/nodejs/node/issues/41251
				if (res === null) {
					onResponse(trailers, flags, rawTrailers);
					return;
				}

				// Assigns trailers to the response object.
				res.trailers = trailers;
				res.rawTrailers = rawTrailers;
			});

			stream.once('close', () => {
				const {aborted, res} = this;
				if (res) {
					if (aborted) {
						res.aborted = true;
						res.emit('aborted');
						res.destroy();
					}

					const finish = () => {
						res.emit('close');

						this.destroy();
						this.emit('close');
					};

					if (res.readable) {
						res.once('end', finish);
					} else {
						finish();
					}

					return;
				}

				if (!this.destroyed) {
					this.destroy(new Error('The HTTP/2 stream has been early terminated'));
					this.emit('close');
					return;
				}

				this.destroy();
				this.emit('close');
			});

			this.socket = new Proxy(stream, proxySocketHandler);

			for (const job of this[kJobs]) {
				job();
			}

			this[kJobs].length = 0;

			this.emit('socket', this.socket);
		};

		if (!(HTTP2_HEADER_AUTHORITY in this[kHeaders]) && !isConnectMethod) {
			this[kHeaders][HTTP2_HEADER_AUTHORITY] = this[kOrigin].host;
		}

		// Makes a HTTP2 request
		if (this[kSession]) {
			try {
				onStream(this[kSession].request(this[kHeaders]));
			} catch (error) {
				this.destroy(error);
			}
		} else {
			this.reusedSocket = true;

			try {
				const promise = this.agent.request(this[kOrigin], this[kOptions], this[kHeaders]);
				this[kPendingAgentPromise] = promise;

				onStream(await promise);

				this[kPendingAgentPromise] = false;
			} catch (error) {
				this[kPendingAgentPromise] = false;

				this.destroy(error);
			}
		}
	}

	get connection() {
		return this.socket;
	}

	set connection(value) {
		this.socket = value;
	}

	getHeaderNames() {
		return Object.keys(this[kHeaders]);
	}

	hasHeader(name) {
		if (typeof name !== 'string') {
			throw new ERR_INVALID_ARG_TYPE('name', 'string', name);
		}

		return Boolean(this[kHeaders][name.toLowerCase()]);
	}

	getHeader(name) {
		if (typeof name !== 'string') {
			throw new ERR_INVALID_ARG_TYPE('name', 'string', name);
		}

		return this[kHeaders][name.toLowerCase()];
	}

	get headersSent() {
		return this[kFlushedHeaders];
	}

	removeHeader(name) {
		if (typeof name !== 'string') {
			throw new ERR_INVALID_ARG_TYPE('name', 'string', name);
		}

		if (this.headersSent) {
			throw new ERR_HTTP_HEADERS_SENT('remove');
		}

		delete this[kHeaders][name.toLowerCase()];
	}

	setHeader(name, value) {
		if (this.headersSent) {
			throw new ERR_HTTP_HEADERS_SENT('set');
		}

		validateHeaderName(name);
		validateHeaderValue(name, value);

		const lowercased = name.toLowerCase();

		if (lowercased === 'connection') {
			if (value.toLowerCase() === 'keep-alive') {
				return;
			}

			throw new Error(`Invalid 'connection' header: ${value}`);
		}

		if (lowercased === 'host' && this.method === 'CONNECT') {
			this[kHeaders][HTTP2_HEADER_AUTHORITY] = value;
		} else {
			this[kHeaders][lowercased] = value;
		}
	}

	setNoDelay() {
		// HTTP2 sockets cannot be malformed, do nothing.
	}

	setSocketKeepAlive() {
		// HTTP2 sockets cannot be malformed, do nothing.
	}

	setTimeout(ms, callback) {
		const applyTimeout = () => this._request.setTimeout(ms, callback);

		if (this._request) {
			applyTimeout();
		} else {
			this[kJobs].push(applyTimeout);
		}

		return this;
	}

	get maxHeadersCount() {
		if (!this.destroyed && this._request) {
			return this._request.session.localSettings.maxHeaderListSize;
		}

		return undefined;
	}

	set maxHeadersCount(_value) {
		// Updating HTTP2 settings would affect all requests, do nothing.
	}
}

module.exports = ClientRequest;


/***/ }),

/***/ 156:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {Readable} = __nccwpck_require__(584);

class IncomingMessage extends Readable {
	constructor(socket, highWaterMark) {
		super({
			emitClose: false,
			autoDestroy: true,
			highWaterMark
		});

		this.statusCode = null;
		this.statusMessage = '';
		this.httpVersion = '2.0';
		this.httpVersionMajor = 2;
		this.httpVersionMinor = 0;
		this.headers = {};
		this.trailers = {};
		this.req = null;

		this.aborted = false;
		this.complete = false;
		this.upgrade = null;

		this.rawHeaders = [];
		this.rawTrailers = [];

		this.socket = socket;

		this._dumped = false;
	}

	get connection() {
		return this.socket;
	}

	set connection(value) {
		this.socket = value;
	}

	_destroy(error, callback) {
		if (!this.readableEnded) {
			this.aborted = true;
		}

		// See https://github.com/nodejs/node/issues/35303
		callback();

		this.req._request.destroy(error);
	}

	setTimeout(ms, callback) {
		this.req.setTimeout(ms, callback);
		return this;
	}

	_dump() {
		if (!this._dumped) {
			this._dumped = true;

			this.removeAllListeners('data');
			this.resume();
		}
	}

	_read() {
		if (this.req) {
			this.req._request.resume();
		}
	}
}

module.exports = IncomingMessage;


/***/ }),

/***/ 956:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const http2 = __nccwpck_require__(675);
const {
	Agent,
	globalAgent
} = __nccwpck_require__(685);
const ClientRequest = __nccwpck_require__(605);
const IncomingMessage = __nccwpck_require__(156);
const auto = __nccwpck_require__(213);
const {
	HttpOverHttp2,
	HttpsOverHttp2
} = __nccwpck_require__(126);
const Http2OverHttp2 = __nccwpck_require__(747);
const {
	Http2OverHttp,
	Http2OverHttps
} = __nccwpck_require__(897);
const validateHeaderName = __nccwpck_require__(212);
const validateHeaderValue = __nccwpck_require__(462);

const request = (url, options, callback) => new ClientRequest(url, options, callback);

const get = (url, options, callback) => {
	// eslint-disable-next-line unicorn/prevent-abbreviations
	const req = new ClientRequest(url, options, callback);
	req.end();

	return req;
};

module.exports = {
	...http2,
	ClientRequest,
	IncomingMessage,
	Agent,
	globalAgent,
	request,
	get,
	auto,
	proxies: {
		HttpOverHttp2,
		HttpsOverHttp2,
		Http2OverHttp2,
		Http2OverHttp,
		Http2OverHttps
	},
	validateHeaderName,
	validateHeaderValue
};


/***/ }),

/***/ 37:
/***/ ((module) => {



module.exports = self => {
	const {username, password} = self.proxyOptions.url;

	if (username || password) {
		const data = `${username}:${password}`;
		const authorization = `Basic ${Buffer.from(data).toString('base64')}`;

		return {
			'proxy-authorization': authorization,
			authorization
		};
	}

	return {};
};


/***/ }),

/***/ 126:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const tls = __nccwpck_require__(756);
const http = __nccwpck_require__(611);
const https = __nccwpck_require__(692);
const JSStreamSocket = __nccwpck_require__(56);
const {globalAgent} = __nccwpck_require__(685);
const UnexpectedStatusCodeError = __nccwpck_require__(930);
const initialize = __nccwpck_require__(833);
const getAuthorizationHeaders = __nccwpck_require__(37);

const createConnection = (self, options, callback) => {
	(async () => {
		try {
			const {proxyOptions} = self;
			const {url, headers, raw} = proxyOptions;

			const stream = await globalAgent.request(url, proxyOptions, {
				...getAuthorizationHeaders(self),
				...headers,
				':method': 'CONNECT',
				':authority': `${options.host}:${options.port}`
			});

			stream.once('error', callback);
			stream.once('response', headers => {
				const statusCode = headers[':status'];

				if (statusCode !== 200) {
					callback(new UnexpectedStatusCodeError(statusCode, ''));
					return;
				}

				const encrypted = self instanceof https.Agent;

				if (raw && encrypted) {
					options.socket = stream;
					const secureStream = tls.connect(options);

					secureStream.once('close', () => {
						stream.destroy();
					});

					callback(null, secureStream);
					return;
				}

				const socket = new JSStreamSocket(stream);
				socket.encrypted = false;
				socket._handle.getpeername = out => {
					out.family = undefined;
					out.address = undefined;
					out.port = undefined;
				};

				callback(null, socket);
			});
		} catch (error) {
			callback(error);
		}
	})();
};

class HttpOverHttp2 extends http.Agent {
	constructor(options) {
		super(options);

		initialize(this, options.proxyOptions);
	}

	createConnection(options, callback) {
		createConnection(this, options, callback);
	}
}

class HttpsOverHttp2 extends https.Agent {
	constructor(options) {
		super(options);

		initialize(this, options.proxyOptions);
	}

	createConnection(options, callback) {
		createConnection(this, options, callback);
	}
}

module.exports = {
	HttpOverHttp2,
	HttpsOverHttp2
};


/***/ }),

/***/ 897:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const http = __nccwpck_require__(611);
const https = __nccwpck_require__(692);
const Http2OverHttpX = __nccwpck_require__(861);
const getAuthorizationHeaders = __nccwpck_require__(37);

const getStream = request => new Promise((resolve, reject) => {
	const onConnect = (response, socket, head) => {
		socket.unshift(head);

		request.off('error', reject);
		resolve([socket, response.statusCode, response.statusMessage]);
	};

	request.once('error', reject);
	request.once('connect', onConnect);
});

class Http2OverHttp extends Http2OverHttpX {
	async _getProxyStream(authority) {
		const {proxyOptions} = this;
		const {url, headers} = this.proxyOptions;

		const network = url.protocol === 'https:' ? https : http;

		// `new URL('https://localhost/httpbin.org:443')` results in
		// a `/httpbin.org:443` path, which has an invalid leading slash.
		const request = network.request({
			...proxyOptions,
			hostname: url.hostname,
			port: url.port,
			path: authority,
			headers: {
				...getAuthorizationHeaders(this),
				...headers,
				host: authority
			},
			method: 'CONNECT'
		}).end();

		return getStream(request);
	}
}

module.exports = {
	Http2OverHttp,
	Http2OverHttps: Http2OverHttp
};


/***/ }),

/***/ 747:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {globalAgent} = __nccwpck_require__(685);
const Http2OverHttpX = __nccwpck_require__(861);
const getAuthorizationHeaders = __nccwpck_require__(37);

const getStatusCode = stream => new Promise((resolve, reject) => {
	stream.once('error', reject);
	stream.once('response', headers => {
		stream.off('error', reject);
		resolve(headers[':status']);
	});
});

class Http2OverHttp2 extends Http2OverHttpX {
	async _getProxyStream(authority) {
		const {proxyOptions} = this;

		const headers = {
			...getAuthorizationHeaders(this),
			...proxyOptions.headers,
			':method': 'CONNECT',
			':authority': authority
		};

		const stream = await globalAgent.request(proxyOptions.url, proxyOptions, headers);
		const statusCode = await getStatusCode(stream);

		return [stream, statusCode, ''];
	}
}

module.exports = Http2OverHttp2;


/***/ }),

/***/ 861:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {Agent} = __nccwpck_require__(685);
const JSStreamSocket = __nccwpck_require__(56);
const UnexpectedStatusCodeError = __nccwpck_require__(930);
const initialize = __nccwpck_require__(833);

class Http2OverHttpX extends Agent {
	constructor(options) {
		super(options);

		initialize(this, options.proxyOptions);
	}

	async createConnection(origin, options) {
		const authority = `${origin.hostname}:${origin.port || 443}`;

		const [stream, statusCode, statusMessage] = await this._getProxyStream(authority);
		if (statusCode !== 200) {
			throw new UnexpectedStatusCodeError(statusCode, statusMessage);
		}

		if (this.proxyOptions.raw) {
			options.socket = stream;
		} else {
			const socket = new JSStreamSocket(stream);
			socket.encrypted = false;
			socket._handle.getpeername = out => {
				out.family = undefined;
				out.address = undefined;
				out.port = undefined;
			};

			return socket;
		}

		return super.createConnection(origin, options);
	}
}

module.exports = Http2OverHttpX;


/***/ }),

/***/ 833:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


// See https://github.com/facebook/jest/issues/2549
// eslint-disable-next-line node/prefer-global/url
const {URL} = __nccwpck_require__(16);
const checkType = __nccwpck_require__(891);

module.exports = (self, proxyOptions) => {
	checkType('proxyOptions', proxyOptions, ['object']);
	checkType('proxyOptions.headers', proxyOptions.headers, ['object', 'undefined']);
	checkType('proxyOptions.raw', proxyOptions.raw, ['boolean', 'undefined']);
	checkType('proxyOptions.url', proxyOptions.url, [URL, 'string']);

	const url = new URL(proxyOptions.url);

	self.proxyOptions = {
		raw: true,
		...proxyOptions,
		headers: {...proxyOptions.headers},
		url
	};
};


/***/ }),

/***/ 930:
/***/ ((module) => {



class UnexpectedStatusCodeError extends Error {
	constructor(statusCode, statusMessage = '') {
		super(`The proxy server rejected the request with status code ${statusCode} (${statusMessage || 'empty status message'})`);
		this.statusCode = statusCode;
		this.statusMessage = statusMessage;
	}
}

module.exports = UnexpectedStatusCodeError;


/***/ }),

/***/ 850:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {isIP} = __nccwpck_require__(278);
const assert = __nccwpck_require__(613);

const getHost = host => {
	if (host[0] === '[') {
		const idx = host.indexOf(']');

		assert(idx !== -1);
		return host.slice(1, idx);
	}

	const idx = host.indexOf(':');
	if (idx === -1) {
		return host;
	}

	return host.slice(0, idx);
};

module.exports = host => {
	const servername = getHost(host);

	if (isIP(servername)) {
		return '';
	}

	return servername;
};


/***/ }),

/***/ 891:
/***/ ((module) => {



const checkType = (name, value, types) => {
	const valid = types.some(type => {
		const typeofType = typeof type;
		if (typeofType === 'string') {
			return typeof value === type;
		}

		return value instanceof type;
	});

	if (!valid) {
		const names = types.map(type => typeof type === 'string' ? type : type.name);

		throw new TypeError(`Expected '${name}' to be a type of ${names.join(' or ')}, got ${typeof value}`);
	}
};

module.exports = checkType;


/***/ }),

/***/ 811:
/***/ ((module) => {



module.exports = stream => {
	if (stream.listenerCount('error') !== 0) {
		return stream;
	}

	stream.__destroy = stream._destroy;
	stream._destroy = (...args) => {
		const callback = args.pop();

		stream.__destroy(...args, async error => {
			await Promise.resolve();
			callback(error);
		});
	};

	const onError = error => {
		// eslint-disable-next-line promise/prefer-await-to-then
		Promise.resolve().then(() => {
			stream.emit('error', error);
		});
	};

	stream.once('error', onError);

	// eslint-disable-next-line promise/prefer-await-to-then
	Promise.resolve().then(() => {
		stream.off('error', onError);
	});

	return stream;
};


/***/ }),

/***/ 731:
/***/ ((module) => {


/* istanbul ignore file: https://github.com/nodejs/node/blob/master/lib/internal/errors.js */

const makeError = (Base, key, getMessage) => {
	module.exports[key] = class NodeError extends Base {
		constructor(...args) {
			super(typeof getMessage === 'string' ? getMessage : getMessage(args));
			this.name = `${super.name} [${key}]`;
			this.code = key;
		}
	};
};

makeError(TypeError, 'ERR_INVALID_ARG_TYPE', args => {
	const type = args[0].includes('.') ? 'property' : 'argument';

	let valid = args[1];
	const isManyTypes = Array.isArray(valid);

	if (isManyTypes) {
		valid = `${valid.slice(0, -1).join(', ')} or ${valid.slice(-1)}`;
	}

	return `The "${args[0]}" ${type} must be ${isManyTypes ? 'one of' : 'of'} type ${valid}. Received ${typeof args[2]}`;
});

makeError(TypeError, 'ERR_INVALID_PROTOCOL', args =>
	`Protocol "${args[0]}" not supported. Expected "${args[1]}"`
);

makeError(Error, 'ERR_HTTP_HEADERS_SENT', args =>
	`Cannot ${args[0]} headers after they are sent to the client`
);

makeError(TypeError, 'ERR_INVALID_HTTP_TOKEN', args =>
	`${args[0]} must be a valid HTTP token [${args[1]}]`
);

makeError(TypeError, 'ERR_HTTP_INVALID_HEADER_VALUE', args =>
	`Invalid value "${args[0]} for header "${args[1]}"`
);

makeError(TypeError, 'ERR_INVALID_CHAR', args =>
	`Invalid character in ${args[0]} [${args[1]}]`
);

makeError(
	Error,
	'ERR_HTTP2_NO_SOCKET_MANIPULATION',
	'HTTP/2 sockets should not be directly manipulated (e.g. read and written)'
);


/***/ }),

/***/ 365:
/***/ ((module) => {



module.exports = header => {
	switch (header) {
		case ':method':
		case ':scheme':
		case ':authority':
		case ':path':
			return true;
		default:
			return false;
	}
};


/***/ }),

/***/ 56:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const stream = __nccwpck_require__(584);
const tls = __nccwpck_require__(756);

// Really awesome hack.
const JSStreamSocket = (new tls.TLSSocket(new stream.PassThrough()))._handle._parentWrap.constructor;

module.exports = JSStreamSocket;


/***/ }),

/***/ 118:
/***/ ((module) => {



module.exports = (from, to, events) => {
	for (const event of events) {
		from.on(event, (...args) => to.emit(event, ...args));
	}
};


/***/ }),

/***/ 83:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {ERR_HTTP2_NO_SOCKET_MANIPULATION} = __nccwpck_require__(731);

/* istanbul ignore file */
/* https://github.com/nodejs/node/blob/6eec858f34a40ffa489c1ec54bb24da72a28c781/lib/internal/http2/compat.js#L195-L272 */

const proxySocketHandler = {
	has(stream, property) {
		// Replaced [kSocket] with .socket
		const reference = stream.session === undefined ? stream : stream.session.socket;
		return (property in stream) || (property in reference);
	},

	get(stream, property) {
		switch (property) {
			case 'on':
			case 'once':
			case 'end':
			case 'emit':
			case 'destroy':
				return stream[property].bind(stream);
			case 'writable':
			case 'destroyed':
				return stream[property];
			case 'readable':
				if (stream.destroyed) {
					return false;
				}

				return stream.readable;
			case 'setTimeout': {
				const {session} = stream;
				if (session !== undefined) {
					return session.setTimeout.bind(session);
				}

				return stream.setTimeout.bind(stream);
			}

			case 'write':
			case 'read':
			case 'pause':
			case 'resume':
				throw new ERR_HTTP2_NO_SOCKET_MANIPULATION();
			default: {
				// Replaced [kSocket] with .socket
				const reference = stream.session === undefined ? stream : stream.session.socket;
				const value = reference[property];

				return typeof value === 'function' ? value.bind(reference) : value;
			}
		}
	},

	getPrototypeOf(stream) {
		if (stream.session !== undefined) {
			// Replaced [kSocket] with .socket
			return Reflect.getPrototypeOf(stream.session.socket);
		}

		return Reflect.getPrototypeOf(stream);
	},

	set(stream, property, value) {
		switch (property) {
			case 'writable':
			case 'readable':
			case 'destroyed':
			case 'on':
			case 'once':
			case 'end':
			case 'emit':
			case 'destroy':
				stream[property] = value;
				return true;
			case 'setTimeout': {
				const {session} = stream;
				if (session === undefined) {
					stream.setTimeout = value;
				} else {
					session.setTimeout = value;
				}

				return true;
			}

			case 'write':
			case 'read':
			case 'pause':
			case 'resume':
				throw new ERR_HTTP2_NO_SOCKET_MANIPULATION();
			default: {
				// Replaced [kSocket] with .socket
				const reference = stream.session === undefined ? stream : stream.session.socket;
				reference[property] = value;
				return true;
			}
		}
	}
};

module.exports = proxySocketHandler;


/***/ }),

/***/ 212:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {ERR_INVALID_HTTP_TOKEN} = __nccwpck_require__(731);
const isRequestPseudoHeader = __nccwpck_require__(365);

const isValidHttpToken = /^[\^`\-\w!#$%&*+.|~]+$/;

module.exports = name => {
	if (typeof name !== 'string' || (!isValidHttpToken.test(name) && !isRequestPseudoHeader(name))) {
		throw new ERR_INVALID_HTTP_TOKEN('Header name', name);
	}
};


/***/ }),

/***/ 462:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const {
	ERR_HTTP_INVALID_HEADER_VALUE,
	ERR_INVALID_CHAR
} = __nccwpck_require__(731);

const isInvalidHeaderValue = /[^\t\u0020-\u007E\u0080-\u00FF]/;

module.exports = (name, value) => {
	if (typeof value === 'undefined') {
		throw new ERR_HTTP_INVALID_HEADER_VALUE(value, name);
	}

	if (isInvalidHeaderValue.test(value)) {
		throw new ERR_INVALID_CHAR('header content', name);
	}
};


/***/ }),

/***/ 475:
/***/ ((module) => {



class QuickLRU {
	constructor(options = {}) {
		if (!(options.maxSize && options.maxSize > 0)) {
			throw new TypeError('`maxSize` must be a number greater than 0');
		}

		this.maxSize = options.maxSize;
		this.onEviction = options.onEviction;
		this.cache = new Map();
		this.oldCache = new Map();
		this._size = 0;
	}

	_set(key, value) {
		this.cache.set(key, value);
		this._size++;

		if (this._size >= this.maxSize) {
			this._size = 0;

			if (typeof this.onEviction === 'function') {
				for (const [key, value] of this.oldCache.entries()) {
					this.onEviction(key, value);
				}
			}

			this.oldCache = this.cache;
			this.cache = new Map();
		}
	}

	get(key) {
		if (this.cache.has(key)) {
			return this.cache.get(key);
		}

		if (this.oldCache.has(key)) {
			const value = this.oldCache.get(key);
			this.oldCache.delete(key);
			this._set(key, value);
			return value;
		}
	}

	set(key, value) {
		if (this.cache.has(key)) {
			this.cache.set(key, value);
		} else {
			this._set(key, value);
		}

		return this;
	}

	has(key) {
		return this.cache.has(key) || this.oldCache.has(key);
	}

	peek(key) {
		if (this.cache.has(key)) {
			return this.cache.get(key);
		}

		if (this.oldCache.has(key)) {
			return this.oldCache.get(key);
		}
	}

	delete(key) {
		const deleted = this.cache.delete(key);
		if (deleted) {
			this._size--;
		}

		return this.oldCache.delete(key) || deleted;
	}

	clear() {
		this.cache.clear();
		this.oldCache.clear();
		this._size = 0;
	}

	* keys() {
		for (const [key] of this) {
			yield key;
		}
	}

	* values() {
		for (const [, value] of this) {
			yield value;
		}
	}

	* [Symbol.iterator]() {
		for (const item of this.cache) {
			yield item;
		}

		for (const item of this.oldCache) {
			const [key] = item;
			if (!this.cache.has(key)) {
				yield item;
			}
		}
	}

	get size() {
		let oldCacheSize = 0;
		for (const key of this.oldCache.keys()) {
			if (!this.cache.has(key)) {
				oldCacheSize++;
			}
		}

		return Math.min(this._size + oldCacheSize, this.maxSize);
	}
}

module.exports = QuickLRU;


/***/ }),

/***/ 824:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const tls = __nccwpck_require__(756);

module.exports = (options = {}, connect = tls.connect) => new Promise((resolve, reject) => {
	let timeout = false;

	let socket;

	const callback = async () => {
		await socketPromise;

		socket.off('timeout', onTimeout);
		socket.off('error', reject);

		if (options.resolveSocket) {
			resolve({alpnProtocol: socket.alpnProtocol, socket, timeout});

			if (timeout) {
				await Promise.resolve();
				socket.emit('timeout');
			}
		} else {
			socket.destroy();
			resolve({alpnProtocol: socket.alpnProtocol, timeout});
		}
	};

	const onTimeout = async () => {
		timeout = true;
		callback();
	};

	const socketPromise = (async () => {
		try {
			socket = await connect(options, callback);

			socket.on('error', reject);
			socket.once('timeout', onTimeout);
		} catch (error) {
			reject(error);
		}
	})();
});


/***/ }),

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(620);

process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
});

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 620:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

// UNUSED EXPORTS: EXIT

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/seller-config.ts

/** The loopback redirect URI used when none is given (RFC 8252 §7.3 style; never served). */
const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/openactive-auth-check/callback';
/** The selectors the OpenActive test suite's defaults stand for, matching the usual forms. */
const DEFAULT_SELECTORS = {
    username: "[name='username' i]",
    password: "[name='password' i]",
    submit: '[type=submit]',
    consent: '[type=submit]',
};
/**
 * The seller login from the inputs, or undefined when none was given. Bad input throws
 * {@link InputError}; a message never contains the username or password.
 */
function parseSellerLogin(raw) {
    const value = (name) => raw[name]?.trim() || undefined;
    const username = value('seller-username');
    // A password is taken as typed: spaces at either end may be part of it.
    const password = raw['seller-password'] || undefined;
    const others = ['seller-id', 'login-mode', 'login-selectors', 'chrome-path'].filter((name) => value(name) !== undefined);
    if (!username && !password) {
        if (others.length > 0) {
            throw new InputError(others[0], 'needs seller-username and seller-password');
        }
        return undefined;
    }
    if (!username)
        throw new InputError('seller-username', 'required with seller-password');
    if (!password)
        throw new InputError('seller-password', 'required with seller-username');
    const sellerId = value('seller-id');
    if (sellerId !== undefined && !isAbsoluteUrl(sellerId)) {
        throw new InputError('seller-id', `must be the seller's @id, a URL (got ${quoted(sellerId)})`);
    }
    return {
        username,
        password,
        sellerId,
        redirectUri: parseRedirectUri(value('redirect-uri')),
        mode: parseMode(value('login-mode')),
        selectors: parseSelectors(value('login-selectors')),
        chromePath: value('chrome-path'),
    };
}
function parseRedirectUri(text) {
    if (text === undefined)
        return DEFAULT_REDIRECT_URI;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new InputError('redirect-uri', `not a URL: ${quoted(text)}`);
    }
    if (url.hash || text.includes('#')) {
        throw new InputError('redirect-uri', 'must not have a fragment (RFC 6749 §3.1.2)');
    }
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !loopbackHttp) {
        throw new InputError('redirect-uri', 'must be an https URL, or http on loopback (the tool never requests it)');
    }
    return url.href;
}
function parseMode(text) {
    if (text === undefined || text === 'form')
        return 'form';
    if (text === 'browser')
        return 'browser';
    throw new InputError('login-mode', `must be "form" or "browser" (got ${quoted(text)})`);
}
/**
 * One `name: selector` per line, for any of username, password, submit and consent; the others
 * keep their defaults. A selector may itself contain ":" and "," (only the first ":" splits).
 */
function parseSelectors(text) {
    const selectors = { ...DEFAULT_SELECTORS };
    if (text === undefined)
        return selectors;
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '')
            continue;
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const selector = line.slice(colon + 1).trim();
        if (colon === -1 || !Object.hasOwn(DEFAULT_SELECTORS, name) || selector === '') {
            throw new InputError('login-selectors', `each line must be "username|password|submit|consent: CSS selector" (got ${quoted(line)})`);
        }
        selectors[name] = selector;
    }
    return selectors;
}
function isAbsoluteUrl(text) {
    try {
        return new URL(text).protocol.length > 1;
    }
    catch {
        return false;
    }
}
function quoted(text) {
    return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

;// CONCATENATED MODULE: ./src/config.ts


const INPUT_NAMES = [
    'issuer',
    'initial-access-token',
    'client-id',
    'client-secret',
    'orders-feed-url',
    'scope',
    'ca-certificate',
    'allow-insecure-http',
    'strict',
    'fail-on',
    'request-timeout',
    'run-timeout',
    'allow-endpoint-origins',
    'seller-username',
    'seller-password',
    'seller-id',
    'redirect-uri',
    'login-mode',
    'login-selectors',
    'chrome-path',
];
/** Bad input: the message names the input and never contains a secret value. */
class InputError extends Error {
    input;
    constructor(input, message) {
        super(`${input}: ${message}`);
        this.input = input;
        this.name = 'InputError';
    }
}
const DEFAULT_SCOPE = 'openactive-ordersfeed';
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 20;
const DEFAULT_RUN_TIMEOUT_SECONDS = 120;
/** Validates the inputs; throws {@link InputError} naming the first bad one. */
function parseConfig(raw) {
    const value = (name) => raw[name]?.trim() || undefined;
    const allowInsecureHttp = parseBoolean('allow-insecure-http', value('allow-insecure-http'));
    const issuer = value('issuer');
    if (!issuer)
        throw new InputError('issuer', 'required: the URL of the booking system’s OpenID Provider');
    checkUrl('issuer', issuer, allowInsecureHttp);
    const ordersFeedUrl = value('orders-feed-url');
    if (ordersFeedUrl)
        checkUrl('orders-feed-url', ordersFeedUrl, allowInsecureHttp);
    const initialAccessToken = value('initial-access-token');
    const clientId = value('client-id');
    const clientSecret = raw['client-secret'] || undefined;
    if (initialAccessToken && (clientId || clientSecret)) {
        throw new InputError('initial-access-token', 'give either an initial access token (to register a new client) or client-id and client-secret (an existing client), not both');
    }
    if (!initialAccessToken && !clientId && !clientSecret) {
        throw new InputError('initial-access-token', 'required unless client-id and client-secret are given: the check needs a client to take a token with');
    }
    if (clientId && !clientSecret)
        throw new InputError('client-secret', 'required with client-id');
    if (clientSecret && !clientId)
        throw new InputError('client-id', 'required with client-secret');
    const scope = value('scope') ?? DEFAULT_SCOPE;
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
        throw new InputError('scope', 'must be space-delimited scope tokens (RFC 6749 §3.3)');
    }
    const caCertificate = value('ca-certificate');
    if (caCertificate && !caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
        throw new InputError('ca-certificate', 'must be the PEM text of a certificate (-----BEGIN CERTIFICATE-----)');
    }
    return {
        issuer,
        initialAccessToken,
        clientId,
        clientSecret,
        ordersFeedUrl,
        scope,
        caCertificate,
        allowInsecureHttp,
        strict: parseBoolean('strict', value('strict')),
        failOn: parseFailOn(value('fail-on')),
        requestTimeoutMs: parseTimeout(value('request-timeout')) * 1000,
        runTimeoutMs: parseSeconds('run-timeout', value('run-timeout'), DEFAULT_RUN_TIMEOUT_SECONDS, 3600) * 1000,
        allowEndpointOrigins: parseOrigins(value('allow-endpoint-origins')),
        seller: parseSellerLogin(raw),
    };
}
/** True for the loopback names this tool may reach over plain http. */
function isLoopbackHost(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    // Only the name that resolves from the hosts file: other *.localhost names may go to DNS.
    if (host === 'localhost')
        return true;
    if ((0,external_node_net_namespaceObject.isIP)(host) === 4)
        return host.startsWith('127.');
    if ((0,external_node_net_namespaceObject.isIP)(host) === 6)
        return host === '::1' || host === '0:0:0:0:0:0:0:1';
    return false;
}
function checkUrl(name, text, allowInsecureHttp) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new InputError(name, `not a URL: ${JSON.stringify(text)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new InputError(name, `must be an https URL (got ${url.protocol})`);
    }
    if (url.username || url.password)
        throw new InputError(name, 'must not contain credentials');
    if (name === 'issuer' && (url.search || url.hash || text.includes('?') || text.includes('#'))) {
        throw new InputError(name, 'must not have a query or fragment (OpenID Connect Discovery 1.0 §3)');
    }
    if (url.protocol === 'http:') {
        if (!allowInsecureHttp) {
            throw new InputError(name, 'must use https; set allow-insecure-http to check a loopback http server');
        }
        if (!isLoopbackHost(url.hostname)) {
            throw new InputError(name, `http is allowed on loopback only (got host ${url.hostname})`);
        }
    }
}
function parseBoolean(name, text) {
    if (text === undefined)
        return false;
    if (/^(true|yes|1)$/i.test(text))
        return true;
    if (/^(false|no|0)$/i.test(text))
        return false;
    throw new InputError(name, `must be true or false (got ${JSON.stringify(text)})`);
}
function parseFailOn(text) {
    if (text === undefined || text === 'failure')
        return 'failure';
    if (text === 'warning')
        return 'warning';
    throw new InputError('fail-on', `must be "failure" or "warning" (got ${JSON.stringify(text)})`);
}
function parseTimeout(text) {
    if (text === undefined)
        return DEFAULT_REQUEST_TIMEOUT_SECONDS;
    const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) {
        throw new InputError('request-timeout', `must be a number of seconds from 1 to 300 (got ${JSON.stringify(text)})`);
    }
    return seconds;
}
function parseSeconds(name, text, fallback, max) {
    if (text === undefined)
        return fallback;
    const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > max) {
        throw new InputError(name, `must be a number of seconds from 1 to ${max} (got ${JSON.stringify(text)})`);
    }
    return seconds;
}
/** A list of origins, separated by commas, spaces or lines: each https://host[:port]. */
function parseOrigins(text) {
    if (text === undefined)
        return [];
    return text
        .split(/[\s,]+/)
        .filter((item) => item !== '')
        .map((item) => {
        let url;
        try {
            url = new URL(item);
        }
        catch {
            throw new InputError('allow-endpoint-origins', `not a URL: ${JSON.stringify(item)}`);
        }
        if (url.origin === 'null' || url.href.replace(/\/$/, '') !== url.origin) {
            throw new InputError('allow-endpoint-origins', `must be origins such as https://host:port, without a path (got ${JSON.stringify(item)})`);
        }
        return url.origin;
    });
}

;// CONCATENATED MODULE: ./src/report/json.ts
/** The machine-readable report: findings and the exchanges' outline, no bodies, no secrets. */
function renderJson(report) {
    const { tool, issuer, result, failures, warnings, startedAt, durationMs, clientId, stages, checks, } = report;
    const exchanges = report.exchanges.map(({ stage, label, method, url, status, durationMs, error, retries }) => ({
        stage,
        label,
        method,
        url,
        status: status ?? null,
        durationMs,
        ...(error ? { error: error.message } : {}),
        ...(retries ? { retries } : {}),
    }));
    const body = {
        tool,
        issuer,
        result,
        failures,
        warnings,
        startedAt,
        durationMs,
        clientId,
        stages,
        checks,
        exchanges,
    };
    return `${JSON.stringify(body, null, 2)}\n`;
}

;// CONCATENATED MODULE: ./src/checks/response.ts
/** The body parsed as JSON, or undefined when it is not JSON. */
function parseJson(body) {
    try {
        return JSON.parse(body);
    }
    catch {
        return undefined;
    }
}
function isJsonObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** A response header's value, joined when repeated. */
function header(exchange, name) {
    const value = exchange.responseHeaders[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
}
/** The media type without parameters, lower-cased (RFC 9110 §8.3.1). */
function mediaType(exchange) {
    return header(exchange, 'content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}
/** True for application/json and any application/*+json type. */
function isJsonMediaType(type) {
    return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type ?? '');
}
/** The first characters of a body on one line, for a message. */
function excerpt(body, max = 200) {
    const line = printable(body).replace(/\s+/g, ' ').trim();
    if (line === '')
        return '(empty body)';
    return line.length > max ? `${line.slice(0, max)}…` : line;
}
/**
 * What went wrong with a request, in one phrase: the network error, or the status and body.
 * Used when a check needed a particular status and got something else.
 */
function describeResponse(exchange) {
    if (exchange.error)
        return `no response (${exchange.error.message})`;
    const location = header(exchange, 'location');
    const redirect = location ? ` redirecting to ${location}` : '';
    return `HTTP ${exchange.status}${redirect}; body: ${excerpt(exchange.responseBody)}`;
}
/** A value as it appears in a message: strings quoted, others as JSON. */
function shown(value) {
    if (value === undefined)
        return '(absent)';
    const text = stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
/**
 * JSON.stringify that cannot throw: a server can send JSON nested deeper than the stack allows
 * to serialise again.
 */
function stringify(value, indent) {
    try {
        return JSON.stringify(value, null, indent) ?? String(value);
    }
    catch {
        return '(a JSON value nested too deeply to show)';
    }
}
/** Text with control characters (terminal escape sequences among them) made visible. */
function printable(text) {
    return text.replace(/[\u0000-\u0008\u000b\u000c\u000d-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** At most ten items of a list, for a message. */
function listed(items, separator = ', ') {
    const more = items.length > 10 ? `${separator}and ${items.length - 10} more` : '';
    return `${items.slice(0, 10).join(separator)}${more}`;
}
/** A NumericDate as an ISO time, or the number itself when it is no representable date. */
function isoTime(seconds) {
    const date = new Date(seconds * 1000);
    return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

;// CONCATENATED MODULE: ./src/model.ts
/**
 * The data every part of the tool shares: stages, findings and recorded HTTP exchanges.
 * Nothing here performs I/O.
 */
/** The protocol stages, in the order a booking partner goes through them. */
const STAGES = [
    'discovery',
    'jwks',
    'registration',
    'token',
    'access-token',
    'orders-feed',
    'authorization',
];
/** The names a seller reads in the report. */
const STAGE_TITLES = {
    discovery: 'Discovery',
    jwks: 'JWKS',
    registration: 'Dynamic Client Registration',
    token: 'Client Credentials grant',
    'access-token': 'Access token',
    'orders-feed': 'Orders feed',
    authorization: 'Seller authorization (authorization code flow)',
};

;// CONCATENATED MODULE: ./src/report/text.ts
/** Symbols for a status, shared by the terminal report and the job summary. */
const STATUS_ICONS = {
    pass: '✅',
    fail: '❌',
    warn: '⚠️',
    skip: '⏭️',
};
/** A duration as a person reads it. */
function formatDuration(ms) {
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
/** "1 failure", "2 warnings". */
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

;// CONCATENATED MODULE: ./src/report/terminal.ts



const SYMBOLS = { pass: '✔', fail: '✖', warn: '!', skip: '-' };
/** The report for a terminal: every finding by stage, then the verdict. */
function renderTerminal(report) {
    const lines = [`OpenActive auth check of ${report.issuer}`, ''];
    for (const { stage, status, durationMs } of report.stages) {
        lines.push(`${SYMBOLS[status]} ${STAGE_TITLES[stage]} (${formatDuration(durationMs)})`);
        const checks = report.checks.filter((finding) => finding.stage === stage);
        // A stage skipped whole says why once, not once per check.
        const reasons = new Set(checks.map((check) => check.message));
        if (checks.length > 1 && status === 'skip' && reasons.size === 1) {
            lines.push(`    ${SYMBOLS.skip} ${plural(checks.length, 'check')}: ${checks[0].message}`);
            continue;
        }
        for (const check of checks) {
            lines.push(`    ${SYMBOLS[check.status]} ${check.id}: ${check.message}`);
            if (check.status === 'fail' || check.status === 'warn') {
                lines.push(`        fix: ${check.fix}`, `        see: ${check.reference}`);
            }
        }
    }
    const count = (status) => report.checks.filter((check) => check.status === status).length;
    lines.push('', `${report.result === 'pass' ? 'PASS' : 'FAIL'}: ${plural(report.failures, 'failure')}, ` +
        `${plural(report.warnings, 'warning')}, ${count('pass')} passed, ${count('skip')} skipped, ` +
        `in ${formatDuration(report.durationMs)}` +
        (report.failOn === 'warning' ? ' (fail-on: warning)' : ''));
    // Everything from the server is made printable: no terminal escape sequence gets through.
    return `${printable(lines.join('\n'))}\n`;
}

;// CONCATENATED MODULE: ./src/checks/catalogue/clauses.ts
/** Names of the specifications the catalogue cites, spelt one way everywhere. */
const OIDC_DISCOVERY = 'OpenID Connect Discovery 1.0';
const OIDC_REGISTRATION = 'OpenID Connect Dynamic Client Registration 1.0';
const OBA = 'OpenActive Open Booking API (Editor’s Draft)';

;// CONCATENATED MODULE: ./src/checks/catalogue/access-token.ts

const ACCESS_TOKEN_CHECKS = {
    'access-token.format': {
        stage: 'access-token',
        level: 'info',
        title: 'The access token is a JWT (signed JWS) or an opaque token; OpenActive allows both.',
        reference: `RFC 6749 §1.4; RFC 9068 §1; ${OBA} §Access Token claims`,
        fix: 'Nothing to fix: the JWT checks apply only to JWT access tokens.',
    },
    'access-token.well-formed': {
        stage: 'access-token',
        level: 'must',
        title: 'A token that is meant to be a JWT is well formed: three unpadded base64url parts, a JSON header with alg, a JSON object of claims.',
        reference: 'RFC 7515 §7.1; RFC 7519 §7.2',
        fix: 'Encode access tokens with a JOSE library: base64url without padding, JSON header and claims.',
    },
    'access-token.signature': {
        stage: 'access-token',
        level: 'must',
        title: 'The JWT access token is signed with an asymmetric algorithm by a key in the JWKS, and the signature verifies.',
        reference: 'RFC 9068 §4; RFC 7515 §5.2; RFC 8725 §3.1, §3.2',
        fix: 'Sign access tokens with a key published in jwks_uri (matching kid), using RS256 or another asymmetric algorithm.',
    },
    'access-token.key-id': {
        stage: 'access-token',
        level: 'should',
        title: 'The JWT header names its key (kid) whenever the JWKS has more than one key it could be.',
        reference: 'RFC 7515 §4.1.4; RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
        fix: 'Give every signing key a kid in the JWKS and put it in the token header.',
    },
    'access-token.alg-advertised': {
        stage: 'access-token',
        level: 'info',
        title: 'The token’s alg is one the discovery document advertises for signing.',
        reference: 'RFC 9068 §4; OpenID Connect Discovery 1.0 §3',
        fix: 'Sign with an algorithm listed in id_token_signing_alg_values_supported.',
    },
    'access-token.typ': {
        stage: 'access-token',
        level: 'should',
        strict: true,
        title: 'The JWT header typ is at+jwt (or application/at+jwt, in any case).',
        reference: 'RFC 9068 §2.1, §4; RFC 7515 §4.1.9',
        fix: 'Set the access token’s typ header to at+jwt.',
    },
    'access-token.issuer': {
        stage: 'access-token',
        level: 'must',
        title: 'The iss claim is identical to the issuer.',
        reference: 'RFC 9068 §2.2, §4; RFC 7519 §4.1.1',
        fix: 'Issue access tokens whose iss is exactly the issuer in the discovery document.',
    },
    'access-token.audience': {
        stage: 'access-token',
        level: 'should',
        strict: true,
        title: 'The aud claim is present.',
        reference: 'RFC 9068 §2.2, §4; RFC 7519 §4.1.3',
        fix: 'Put the Open Booking API (the resource server) in aud.',
    },
    'access-token.time': {
        stage: 'access-token',
        level: 'must',
        title: 'exp is in the future; nbf and iat are not in the future (60 s leeway).',
        reference: 'RFC 7519 §4.1.4–§4.1.6; RFC 9068 §2.2, §4',
        fix: 'Check the server clock (NTP) and the token lifetime.',
    },
    'access-token.lifetime': {
        stage: 'access-token',
        level: 'should',
        title: 'exp − iat agrees with expires_in, and the lifetime is at most 15 minutes as OpenActive recommends.',
        reference: `RFC 9068 §2.2; RFC 6749 §5.1; ${OBA} §OAuth Flows and Scopes`,
        fix: 'Issue Orders feed access tokens for 15 minutes, and state the same lifetime in expires_in.',
    },
    'access-token.client-id': {
        stage: 'access-token',
        level: 'must',
        title: 'client_id, and https://openactive.io/clientId when present, equal the client’s id.',
        reference: `RFC 9068 §2.2; ${OBA} §Access Token claims`,
        fix: 'Put the authenticated client’s id in client_id (and https://openactive.io/clientId).',
    },
    'access-token.required-claims': {
        stage: 'access-token',
        level: 'should',
        title: 'The other RFC 9068 claims are present: sub, jti and iat.',
        reference: 'RFC 9068 §2.2',
        fix: 'Add sub (the client, for client credentials), jti and iat to access tokens.',
    },
    'access-token.scope': {
        stage: 'access-token',
        level: 'must',
        title: 'The scope claim grants the requested scope.',
        reference: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
        fix: 'Include the granted scope in the scope claim.',
    },
    'access-token.scope-format': {
        stage: 'access-token',
        level: 'should',
        title: 'The scope claim is a space-delimited string, not a JSON array.',
        reference: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
        fix: 'Emit scope as one space-delimited string (IdentityServer4 emits an array by default).',
    },
    'access-token.claims-minimal': {
        stage: 'access-token',
        level: 'info',
        title: 'The token carries no personal or ID-token-only claims, and no sellerId in an Orders feed token.',
        reference: `RFC 9068 §6; ${OBA} §Access Token claims`,
        fix: 'Keep personal data out of access tokens; the Orders feed is not seller-specific.',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/authorization.ts

const OIDC_CORE = 'OpenID Connect Core 1.0';
const TEST_SUITE = 'OpenActive test suite, authorization-code-flow-test';
/** The seller authorization stage: only with a seller's test login (seller-username/password). */
const AUTHORIZATION_CHECKS = {
    'authorization.redirect-uri-checked': {
        stage: 'authorization',
        level: 'must',
        title: 'An authorization request with a redirect URI that was not registered is refused before the login page, and never redirected to that URI.',
        reference: `RFC 6749 §3.1.2.4, §4.1.2.1; ${OIDC_CORE} §3.1.2.1`,
        fix: 'Compare redirect_uri exactly with the client’s registered redirect URIs and show an error page (no redirect) when it does not match.',
    },
    'authorization.login': {
        stage: 'authorization',
        level: 'must',
        title: 'The authorization request leads to a login page; the seller’s credentials (and consent) end in a redirect to the redirect URI with a code.',
        reference: `RFC 6749 §4.1.1, §4.1.2; ${OBA} §Authorization Code Flow`,
        fix: 'Serve a login page for the authorization endpoint, accept the test seller’s credentials, and redirect to the registered redirect URI with code and state. If the login needs JavaScript, use login-mode browser; check login-selectors.',
    },
    'authorization.state': {
        stage: 'authorization',
        level: 'must',
        title: 'The redirect carries the state parameter exactly as sent.',
        reference: 'RFC 6749 §4.1.2, §10.12',
        fix: 'Return the state request parameter unchanged with the code.',
    },
    'authorization.pkce-enforced': {
        stage: 'authorization',
        level: 'must',
        title: 'With PKCE S256 sent, a code exchanged with a wrong code_verifier is refused with invalid_grant.',
        reference: 'RFC 7636 §4.4, §4.6; OAuth 2.0 Security BCP (RFC 9700) §2.1.1',
        fix: 'Store code_challenge with the code and compare BASE64URL(SHA256(code_verifier)) with it at the token endpoint; refuse a mismatch with 400 invalid_grant.',
    },
    'authorization.token-response': {
        stage: 'authorization',
        level: 'must',
        title: 'The code exchange answers 200 JSON with access_token, token_type Bearer and an id_token.',
        reference: `RFC 6749 §4.1.3, §4.1.4, §5.1; ${OIDC_CORE} §3.1.3.3; ${OBA} §Authorization Code Flow`,
        fix: 'Exchange a valid code (with client authentication and the code_verifier) for an access token and an ID token.',
    },
    'authorization.refresh-token': {
        stage: 'authorization',
        level: 'must',
        title: 'A refresh_token is issued for the offline_access scope.',
        reference: `${OBA} §Authorization Code Flow; ${OIDC_CORE} §11; ${TEST_SUITE} (refresh)`,
        fix: 'Issue a refresh token when offline_access is requested (with prompt=consent), so the partner keeps access to the seller.',
    },
    'authorization.id-token-signature': {
        stage: 'authorization',
        level: 'must',
        title: 'The ID token’s signature verifies with a key from the JWKS.',
        reference: `${OIDC_CORE} §3.1.3.7, §10.1`,
        fix: 'Sign ID tokens with an asymmetric key (e.g. RS256) published in jwks_uri, naming it by kid.',
    },
    'authorization.id-token-claims': {
        stage: 'authorization',
        level: 'must',
        title: 'The ID token’s iss is the issuer, aud the client id, nonce as sent, exp and iat sound.',
        reference: `${OIDC_CORE} §2, §3.1.3.7`,
        fix: 'Set iss to the issuer, aud to the client id, echo the nonce of the request, and set iat and exp from a correct clock.',
    },
    'authorization.seller-id': {
        stage: 'authorization',
        level: 'must',
        title: 'The ID token carries https://openactive.io/sellerId, equal to the seller’s @id when seller-id is given.',
        reference: `${OBA} §ID Token claims; ${TEST_SUITE}`,
        fix: 'Add the https://openactive.io/sellerId claim (the seller’s JSON-LD @id) to ID tokens for the openactive-identity scope.',
    },
    'authorization.seller-claims': {
        stage: 'authorization',
        level: 'must',
        title: 'The ID token carries https://openactive.io/sellerName, sellerUrl and sellerLogo as strings.',
        reference: `${OBA} §ID Token claims; ${TEST_SUITE}`,
        fix: 'Add the sellerName, sellerUrl and sellerLogo claims (https://openactive.io/…) to ID tokens for the openactive-identity scope.',
    },
    'authorization.booking-service-claims': {
        stage: 'authorization',
        level: 'should',
        title: 'The ID token carries https://openactive.io/bookingServiceName and bookingServiceUrl.',
        reference: `${OBA} §ID Token claims`,
        fix: 'Add the bookingServiceName and bookingServiceUrl claims (https://openactive.io/…) to ID tokens for the openactive-identity scope.',
    },
    'authorization.openbooking-scope': {
        stage: 'authorization',
        level: 'must',
        title: 'The access token grants openactive-openbooking.',
        reference: `RFC 6749 §3.3, §5.1; ${OBA} §OAuth Flows and Scopes`,
        fix: 'Grant openactive-openbooking to the authorization code flow and say so in the token response’s scope.',
    },
    'authorization.refresh': {
        stage: 'authorization',
        level: 'must',
        title: 'The refresh token grant returns a new access token.',
        reference: `RFC 6749 §6; ${TEST_SUITE} (refresh)`,
        fix: 'Accept grant_type=refresh_token with client authentication and return a new access token.',
    },
    'authorization.refresh-rotation': {
        stage: 'authorization',
        level: 'info',
        title: 'Reports whether the refresh token grant rotates the refresh token.',
        reference: 'RFC 6749 §6; OAuth 2.0 Security BCP (RFC 9700) §4.14.2',
        fix: 'Nothing to fix: partners must keep the refresh token the last response returned.',
    },
    'authorization.consent-remembered': {
        stage: 'authorization',
        level: 'should',
        title: 'A second authorization by the same seller (a new login) does not ask for consent again.',
        reference: `${OBA} §Authorization Code Flow; OpenActive test suite, authorization-persisted-test`,
        fix: 'Remember the seller’s consent for the booking partner across logins; ask again only for new scopes or prompt=consent.',
    },
    'authorization.code-single-use': {
        stage: 'authorization',
        level: 'must',
        title: 'An authorization code exchanged once is refused the second time.',
        reference: 'RFC 6749 §4.1.2, §10.5',
        fix: 'Mark a code used at its first exchange and refuse it afterwards with invalid_grant (ideally revoking the tokens it gave).',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/discovery.ts

const DISCOVERY_CHECKS = {
    'discovery.issuer-url': {
        stage: 'discovery',
        level: 'info',
        title: 'The issuer is used without a trailing "/" to build the discovery URL.',
        reference: `${OIDC_DISCOVERY} §4.1`,
        fix: 'Nothing to fix if the discovery document repeats the issuer exactly. Clients that append the path without removing "/" (the OpenActive test suite does) request //.well-known/openid-configuration.',
    },
    'discovery.reachable': {
        stage: 'discovery',
        level: 'must',
        title: 'GET {issuer}/.well-known/openid-configuration answers 200.',
        reference: `${OIDC_DISCOVERY} §4, §4.2`,
        fix: 'Serve the discovery document at the issuer followed by /.well-known/openid-configuration, without authentication.',
    },
    'discovery.json-object': {
        stage: 'discovery',
        level: 'must',
        title: 'The discovery document is a JSON object.',
        reference: `${OIDC_DISCOVERY} §4.2`,
        fix: 'Return the provider metadata as a JSON object.',
    },
    'discovery.content-type': {
        stage: 'discovery',
        level: 'must',
        title: 'The discovery document is served as application/json.',
        reference: `${OIDC_DISCOVERY} §4.2; RFC 9110 §8.3.1`,
        fix: 'Send Content-Type: application/json (parameters such as charset are fine).',
    },
    'discovery.issuer-matches': {
        stage: 'discovery',
        level: 'must',
        title: 'The document’s issuer is identical to the issuer it was fetched from.',
        reference: `${OIDC_DISCOVERY} §4.3; RFC 8414 §3.3`,
        fix: 'Set the issuer in the discovery document to exactly the URL booking partners are given: the same scheme, host, port, path and trailing "/".',
    },
    'discovery.required-metadata': {
        stage: 'discovery',
        level: 'must',
        title: 'The required metadata is present: issuer, jwks_uri, authorization_endpoint, token_endpoint, response_types_supported, subject_types_supported, id_token_signing_alg_values_supported.',
        reference: `${OIDC_DISCOVERY} §3`,
        fix: 'Add the missing fields to the discovery document.',
    },
    'discovery.registration-endpoint': {
        stage: 'discovery',
        level: 'must',
        title: 'registration_endpoint is advertised (needed to register with an initial access token).',
        reference: `${OIDC_DISCOVERY} §3; ${OIDC_REGISTRATION} §3`,
        fix: 'Advertise the Dynamic Client Registration endpoint as registration_endpoint.',
    },
    'discovery.endpoints-https': {
        stage: 'discovery',
        level: 'must',
        title: 'Every endpoint the document advertises is an https URL.',
        reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; ${OBA} §Security`,
        fix: 'Advertise the public https URLs that booking partners reach, not internal http ones.',
    },
    'discovery.endpoint-origins': {
        stage: 'discovery',
        level: 'info',
        title: 'Endpoints on another origin than the issuer are listed.',
        reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2`,
        fix: 'Nothing to fix if intended: booking partners must be able to reach every origin listed.',
    },
    'discovery.endpoint-addresses': {
        stage: 'discovery',
        level: 'must',
        title: 'No endpoint on another origin resolves to a loopback, link-local or private address while the issuer is public; such an endpoint is not called.',
        reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; OWASP SSRF prevention`,
        fix: 'Advertise the public addresses booking partners reach. If an internal origin is intended, the workflow lists it in allow-endpoint-origins.',
    },
    'discovery.grant-types': {
        stage: 'discovery',
        level: 'should',
        title: 'grant_types_supported includes client_credentials (when absent, it means authorization_code and implicit only).',
        reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; ${OBA} §Client Credentials Flow`,
        fix: 'Add "client_credentials" to grant_types_supported.',
    },
    'discovery.scopes': {
        stage: 'discovery',
        level: 'should',
        title: 'scopes_supported lists the OpenActive scopes: openid, openactive-openbooking, openactive-ordersfeed, openactive-identity, offline_access.',
        reference: `${OIDC_DISCOVERY} §3; ${OBA} §OAuth Flows and Scopes`,
        fix: 'List the OpenActive scopes in scopes_supported.',
    },
    'discovery.auth-methods': {
        stage: 'discovery',
        level: 'should',
        title: 'token_endpoint_auth_methods_supported includes client_secret_basic (when absent, it means client_secret_basic).',
        reference: `${OIDC_DISCOVERY} §3; RFC 6749 §2.3.1`,
        fix: 'Support client_secret_basic at the token endpoint and advertise it.',
    },
    'discovery.claims': {
        stage: 'discovery',
        level: 'info',
        title: 'claims_supported lists the OpenActive claims (sellerId, sellerName, sellerUrl, sellerLogo, bookingServiceName, bookingServiceUrl).',
        reference: `${OBA} §ID Token claims`,
        fix: 'List the https://openactive.io/ claims your ID tokens carry in claims_supported.',
    },
    'discovery.oauth-metadata': {
        stage: 'discovery',
        level: 'info',
        title: 'RFC 8414 metadata at /.well-known/oauth-authorization-server, when served, agrees with the discovery document.',
        reference: 'RFC 8414 §3, §5',
        fix: 'Serve the same issuer and endpoints in both documents, or serve only the OpenID one.',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/jwks.ts
const JWKS_CHECKS = {
    'jwks.reachable': {
        stage: 'jwks',
        level: 'must',
        title: 'GET jwks_uri answers 200.',
        reference: 'RFC 8414 §2 (jwks_uri); OpenID Connect Core 1.0 §10.1.1',
        fix: 'Serve the JSON Web Key Set at the advertised jwks_uri, without authentication.',
    },
    'jwks.key-set': {
        stage: 'jwks',
        level: 'must',
        title: 'The JWKS is a JSON object with a "keys" array.',
        reference: 'RFC 7517 §5',
        fix: 'Return {"keys": [...]} with the public signing keys.',
    },
    'jwks.no-private-keys': {
        stage: 'jwks',
        level: 'must',
        title: 'No key carries private or symmetric material (d, p, q, dp, dq, qi, oth, k).',
        reference: 'RFC 7517 §9.3; RFC 7518 §6.2.2, §6.3.2, §6.4',
        fix: 'Publish only the public members of each key, and no symmetric (oct) keys. Rotate any key that was exposed.',
    },
    'jwks.signing-keys': {
        stage: 'jwks',
        level: 'must',
        title: 'The JWKS has at least one public key for verifying signatures (use "sig" or absent).',
        reference: 'RFC 7517 §4.2; OpenID Connect Core 1.0 §10.1.1',
        fix: 'Publish the public key your tokens are signed with, with "use": "sig" or no use.',
    },
    'jwks.key-ids': {
        stage: 'jwks',
        level: 'should',
        title: 'Every signing key has a kid, and no two share one.',
        reference: 'RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
        fix: 'Give each signing key its own kid (a thumbprint, RFC 7638, is a good choice).',
    },
    'jwks.key-strength': {
        stage: 'jwks',
        level: 'must',
        title: 'RSA keys are at least 2048 bits.',
        reference: 'RFC 7518 §3.3, §3.5',
        fix: 'Replace RSA keys shorter than 2048 bits.',
    },
    'jwks.keys-importable': {
        stage: 'jwks',
        level: 'should',
        title: 'Every key is a valid public JWK that a JOSE library can import.',
        reference: 'RFC 7517 §4; RFC 7518 §6',
        fix: 'Give each key the members its kty requires (RSA: n, e; EC: crv, x, y; OKP: crv, x).',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/orders-feed.ts

const ORDERS_FEED_CHECKS = {
    'orders-feed.authorized': {
        stage: 'orders-feed',
        level: 'must',
        title: 'GET the Orders feed with the access token answers 200 with an RPDE page (items, next).',
        reference: `${OBA} §Orders RPDE feed; RPDE 1.0; RFC 6750 §2.1`,
        fix: 'Accept access tokens issued by the client credentials grant with scope openactive-ordersfeed on the Orders feed, and return an RPDE page.',
    },
    'orders-feed.content-type': {
        stage: 'orders-feed',
        level: 'should',
        title: 'The Orders feed is served as application/vnd.openactive.booking+json; version=1 or application/json.',
        reference: `${OBA} §Media types`,
        fix: 'Send Content-Type: application/vnd.openactive.booking+json; version=1.',
    },
    'orders-feed.next-page': {
        stage: 'orders-feed',
        level: 'should',
        title: 'The page’s next URL stays on the feed’s origin and answers 200 with the same token.',
        reference: 'RPDE 1.0; RFC 6750 §2.1',
        fix: 'Make next an absolute URL on the same origin that accepts the same access token.',
    },
    'orders-feed.rejects-no-token': {
        stage: 'orders-feed',
        level: 'must',
        title: 'GET the Orders feed without a token is refused with 401 or 403.',
        reference: `RFC 6750 §3; ${OBA} §Error Model (API authentication)`,
        fix: 'Require a valid access token on the Orders feed; answer 401 (or 403) without one.',
    },
    'orders-feed.rejects-tampered-token': {
        stage: 'orders-feed',
        level: 'must',
        title: 'The access token with one signature byte changed is refused with 401 or 403.',
        reference: `RFC 6750 §3.1 (invalid_token); ${OBA} §Error Model (InvalidAPITokenError)`,
        fix: 'Verify the access token’s signature (or look the token up) on every Orders feed request.',
    },
    'orders-feed.rejects-expired-token': {
        stage: 'orders-feed',
        level: 'must',
        title: 'The access token with exp moved into the past (signature left as it was) is refused.',
        reference: `RFC 6750 §3.1 (invalid_token); RFC 7519 §4.1.4; ${OBA} §Error Model (InvalidAPITokenError)`,
        fix: 'Verify the token’s signature and exp on every Orders feed request.',
    },
    'orders-feed.www-authenticate': {
        stage: 'orders-feed',
        level: 'should',
        title: 'A 401 from the Orders feed carries a WWW-Authenticate: Bearer header.',
        reference: 'RFC 6750 §3; RFC 9110 §11.6.1',
        fix: 'Send WWW-Authenticate: Bearer (with error="invalid_token" for a bad token) with every 401.',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/registration.ts

const REGISTRATION_CHECKS = {
    'registration.skipped': {
        stage: 'registration',
        level: 'info',
        title: 'Registration is skipped when client credentials are given.',
        reference: 'RFC 7591 §3',
        fix: 'Nothing to fix: give an initial access token to check registration too.',
    },
    'registration.succeeded': {
        stage: 'registration',
        level: 'must',
        title: 'POST registration_endpoint with the initial access token registers a client and returns client_id and client_secret.',
        reference: 'RFC 7591 §3, §3.2.1',
        fix: 'Accept the initial access token as a Bearer token and return the new client’s client_id and client_secret as JSON.',
    },
    'registration.status-created': {
        stage: 'registration',
        level: 'should',
        strict: true,
        title: 'A successful registration answers 201 Created.',
        reference: `RFC 7591 §3.2.1; ${OIDC_REGISTRATION} §3.2 (the OpenActive test suite requires 201)`,
        fix: 'Answer 201 Created to a successful registration.',
    },
    'registration.secret-expiry': {
        stage: 'registration',
        level: 'should',
        strict: true,
        title: 'client_secret_expires_at is returned with the secret (0 when it never expires).',
        reference: 'RFC 7591 §3.2.1',
        fix: 'Return client_secret_expires_at: the secret’s expiry in seconds since the epoch, or 0.',
    },
    'registration.metadata-echoed': {
        stage: 'registration',
        level: 'should',
        title: 'The response returns the registered metadata, still granting client_credentials and the scope.',
        reference: 'RFC 7591 §3.2.1',
        fix: 'Return all registered metadata; keep client_credentials and openactive-ordersfeed, which booking partners need for the Orders feed.',
    },
    'registration.no-store': {
        stage: 'registration',
        level: 'should',
        title: 'The response, which carries a secret, has Cache-Control: no-store.',
        reference: 'RFC 7591 §3.2.1; RFC 6749 §5.1',
        fix: 'Send Cache-Control: no-store (and Pragma: no-cache) with registration responses.',
    },
    'registration.requires-token': {
        stage: 'registration',
        level: 'must',
        title: 'A registration without an initial access token is refused.',
        reference: 'RFC 7591 §3; RFC 6750 §3.1',
        fix: 'Require a valid initial access token on the registration endpoint: answer 401 without one.',
    },
    'registration.rejects-invalid-token': {
        stage: 'registration',
        level: 'must',
        title: 'A registration with a wrong initial access token is refused.',
        reference: 'RFC 7591 §3; RFC 6750 §3.1',
        fix: 'Check the initial access token: answer 401 with error="invalid_token" to a wrong one.',
    },
    'registration.no-secret-echo': {
        stage: 'registration',
        level: 'should',
        title: 'No registration response echoes the initial access token it was sent.',
        reference: 'RFC 6750 §5.3; RFC 7591 §3.2.2',
        fix: 'Leave credentials out of error messages and bodies: logs and proxies keep them.',
    },
    'registration.client-deleted': {
        stage: 'registration',
        level: 'info',
        title: 'The client registered for the check is deleted afterwards when the server offers RFC 7592 management (registration_client_uri and registration_access_token).',
        reference: 'RFC 7592 §2.3',
        fix: 'Nothing to fix; without RFC 7592 the registered client remains and its id is reported.',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue/token.ts

const TOKEN_CHECKS = {
    'token.succeeded': {
        stage: 'token',
        level: 'must',
        title: 'POST token_endpoint with grant_type=client_credentials and client_secret_basic answers 200 with a JSON access_token.',
        reference: 'RFC 6749 §4.4.2, §4.4.3, §5.1, §2.3.1',
        fix: 'Accept the client credentials grant with HTTP Basic authentication, form-urldecoding the user name and password (RFC 6749 §2.3.1), and return the token as JSON.',
    },
    'token.content-type': {
        stage: 'token',
        level: 'must',
        title: 'The token response is application/json.',
        reference: 'RFC 6749 §5.1',
        fix: 'Send Content-Type: application/json with token responses.',
    },
    'token.token-type': {
        stage: 'token',
        level: 'must',
        title: 'token_type is Bearer (compared case-insensitively).',
        reference: 'RFC 6749 §5.1, §7.1; RFC 6750',
        fix: 'Return "token_type": "Bearer".',
    },
    'token.scope': {
        stage: 'token',
        level: 'must',
        title: 'scope, when present, is a space-delimited string that contains the requested scope.',
        reference: 'RFC 6749 §3.3, §5.1',
        fix: 'Return the granted scope as a space-delimited string, or leave it out when it equals the requested one.',
    },
    'token.expires-in-type': {
        stage: 'token',
        level: 'must',
        title: 'expires_in, when present, is a JSON number.',
        reference: 'RFC 6749 §5.1, Appendix A.14',
        fix: 'Return expires_in as a number of seconds, not a string.',
    },
    'token.expires-in': {
        stage: 'token',
        level: 'should',
        title: 'expires_in is present and at most 900 seconds (OpenActive recommends 15 minutes).',
        reference: `RFC 6749 §5.1; ${OBA} §OAuth Flows and Scopes`,
        fix: 'Issue Orders feed access tokens for 15 minutes and say so in expires_in.',
    },
    'token.no-refresh-token': {
        stage: 'token',
        level: 'should',
        title: 'No refresh_token is issued to the client credentials grant.',
        reference: 'RFC 6749 §4.4.3',
        fix: 'Do not issue refresh tokens for client credentials: the client can ask again.',
    },
    'token.no-store': {
        stage: 'token',
        level: 'should',
        title: 'The token response has Cache-Control: no-store.',
        reference: 'RFC 6749 §5.1',
        fix: 'Send Cache-Control: no-store (and Pragma: no-cache) with token responses.',
    },
    'token.client-secret-post': {
        stage: 'token',
        level: 'should',
        title: 'client_secret_post, when advertised, works too.',
        reference: 'RFC 6749 §2.3.1; OpenID Connect Core 1.0 §9',
        fix: 'Accept client_id and client_secret in the form body, or stop advertising client_secret_post.',
    },
    'token.rejects-wrong-secret': {
        stage: 'token',
        level: 'must',
        title: 'A wrong client secret gets no access token.',
        reference: 'RFC 6749 §5.2, §2.3.1',
        fix: 'Authenticate the client: refuse a wrong secret with 401 invalid_client.',
    },
    'token.invalid-client-error': {
        stage: 'token',
        level: 'should',
        title: 'A wrong client secret is refused with 401, error "invalid_client" and a WWW-Authenticate header.',
        reference: 'RFC 6749 §5.2',
        fix: 'Answer 401 with WWW-Authenticate: Basic and {"error": "invalid_client"}.',
    },
    'token.scope-not-escalated': {
        stage: 'token',
        level: 'must',
        title: 'The client credentials grant never grants openactive-openbooking to a client registered for the Orders feed.',
        reference: `RFC 6749 §3.3, §5.2 (invalid_scope); ${OBA} §OAuth Flows and Scopes`,
        fix: 'Grant only the scopes the client was registered for; refuse others with 400 invalid_scope or leave them out.',
    },
    'token.no-secret-echo': {
        stage: 'token',
        level: 'should',
        title: 'No token endpoint response echoes the client secret it was sent.',
        reference: 'RFC 6749 §10.3; RFC 6750 §5.3',
        fix: 'Leave credentials out of error messages and bodies: logs and proxies keep them.',
    },
    'token.get-rejected': {
        stage: 'token',
        level: 'should',
        title: 'A GET to the token endpoint is refused: only POST is allowed.',
        reference: 'RFC 6749 §3.2',
        fix: 'Answer 405 (or 400) to GET on the token endpoint.',
    },
};

;// CONCATENATED MODULE: ./src/checks/catalogue.ts







/** Every check the tool performs, by stable id, in report order. */
const CATALOGUE = {
    ...DISCOVERY_CHECKS,
    ...JWKS_CHECKS,
    ...REGISTRATION_CHECKS,
    ...TOKEN_CHECKS,
    ...ACCESS_TOKEN_CHECKS,
    ...ORDERS_FEED_CHECKS,
    ...AUTHORIZATION_CHECKS,
};
/** A check's definition, typed as the general shape (optional fields visible). */
function definition(id) {
    return CATALOGUE[id];
}
/** The ids of one stage's checks, in report order. */
function checksOfStage(stage) {
    return Object.keys(CATALOGUE).filter((id) => CATALOGUE[id].stage === stage);
}
/** A check held. */
function passed(id, message) {
    return make(id, 'pass', message);
}
/**
 * A check did not hold: a failure for a `must`, a warning for a `should`; an `info` check only
 * reports, so it passes with the message.
 */
function violated(id, message) {
    const level = CATALOGUE[id].level;
    return make(id, level === 'must' ? 'fail' : level === 'should' ? 'warn' : 'pass', message);
}
/** A check could not be performed, or does not apply; the message says why. */
function skipped(id, message) {
    return make(id, 'skip', message);
}
function make(id, status, message) {
    const { stage, level, reference, fix } = CATALOGUE[id];
    return { id, stage, level, status, message, reference, fix };
}

;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./node_modules/@sindresorhus/is/distribution/utilities.js
function keysOf(value) {
    return Object.keys(value);
}

;// CONCATENATED MODULE: ./node_modules/@sindresorhus/is/distribution/index.js

const typedArrayTypeNames = [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
];
function isTypedArrayName(name) {
    return typedArrayTypeNames.includes(name);
}
const objectTypeNames = [
    'Function',
    'Generator',
    'AsyncGenerator',
    'GeneratorFunction',
    'AsyncGeneratorFunction',
    'AsyncFunction',
    'Observable',
    'Array',
    'Buffer',
    'Blob',
    'Object',
    'RegExp',
    'Date',
    'Error',
    'Map',
    'Set',
    'WeakMap',
    'WeakSet',
    'WeakRef',
    'ArrayBuffer',
    'SharedArrayBuffer',
    'DataView',
    'Promise',
    'URL',
    'FormData',
    'URLSearchParams',
    'HTMLElement',
    'NaN',
    ...typedArrayTypeNames,
];
function isObjectTypeName(name) {
    return objectTypeNames.includes(name);
}
const primitiveTypeNames = [
    'null',
    'undefined',
    'string',
    'number',
    'bigint',
    'boolean',
    'symbol',
];
function isPrimitiveTypeName(name) {
    return primitiveTypeNames.includes(name);
}
const assertionTypeDescriptions = [
    'positive number',
    'negative number',
    'Class',
    'string with a number',
    'null or undefined',
    'Iterable',
    'AsyncIterable',
    'native Promise',
    'EnumCase',
    'string with a URL',
    'truthy',
    'falsy',
    'primitive',
    'integer',
    'plain object',
    'TypedArray',
    'array-like',
    'tuple-like',
    'Node.js Stream',
    'infinite number',
    'empty array',
    'non-empty array',
    'empty string',
    'empty string or whitespace',
    'non-empty string',
    'non-empty string and not whitespace',
    'empty object',
    'non-empty object',
    'empty set',
    'non-empty set',
    'empty map',
    'non-empty map',
    'PropertyKey',
    'even integer',
    'odd integer',
    'T',
    'in range',
    'predicate returns truthy for any value',
    'predicate returns truthy for all values',
    'valid Date',
    'valid length',
    'whitespace string',
    ...objectTypeNames,
    ...primitiveTypeNames,
];
const getObjectType = (value) => {
    const objectTypeName = Object.prototype.toString.call(value).slice(8, -1);
    if (/HTML\w+Element/.test(objectTypeName) && isHtmlElement(value)) {
        return 'HTMLElement';
    }
    if (isObjectTypeName(objectTypeName)) {
        return objectTypeName;
    }
    return undefined;
};
function detect(value) {
    if (value === null) {
        return 'null';
    }
    switch (typeof value) {
        case 'undefined': {
            return 'undefined';
        }
        case 'string': {
            return 'string';
        }
        case 'number': {
            return Number.isNaN(value) ? 'NaN' : 'number';
        }
        case 'boolean': {
            return 'boolean';
        }
        case 'function': {
            return 'Function';
        }
        case 'bigint': {
            return 'bigint';
        }
        case 'symbol': {
            return 'symbol';
        }
        default:
    }
    if (isObservable(value)) {
        return 'Observable';
    }
    if (isArray(value)) {
        return 'Array';
    }
    if (isBuffer(value)) {
        return 'Buffer';
    }
    const tagType = getObjectType(value);
    if (tagType && tagType !== 'Object') {
        return tagType;
    }
    if (hasPromiseApi(value)) {
        return 'Promise';
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Number) {
        throw new TypeError('Please don\'t use object wrappers for primitive types');
    }
    return 'Object';
}
function hasPromiseApi(value) {
    return isFunction(value?.then) && isFunction(value?.catch);
}
const is = Object.assign(detect, {
    all: isAll,
    any: isAny,
    array: isArray,
    arrayBuffer: isArrayBuffer,
    arrayLike: isArrayLike,
    asyncFunction: isAsyncFunction,
    asyncGenerator: isAsyncGenerator,
    asyncGeneratorFunction: isAsyncGeneratorFunction,
    asyncIterable: isAsyncIterable,
    bigint: isBigint,
    bigInt64Array: isBigInt64Array,
    bigUint64Array: isBigUint64Array,
    blob: isBlob,
    boolean: isBoolean,
    boundFunction: isBoundFunction,
    buffer: isBuffer,
    class: isClass,
    dataView: isDataView,
    date: isDate,
    detect,
    directInstanceOf: isDirectInstanceOf,
    emptyArray: isEmptyArray,
    emptyMap: isEmptyMap,
    emptyObject: isEmptyObject,
    emptySet: isEmptySet,
    emptyString: isEmptyString,
    emptyStringOrWhitespace: isEmptyStringOrWhitespace,
    enumCase: isEnumCase,
    error: isError,
    evenInteger: isEvenInteger,
    falsy: isFalsy,
    float32Array: isFloat32Array,
    float64Array: isFloat64Array,
    formData: isFormData,
    function: isFunction,
    generator: isGenerator,
    generatorFunction: isGeneratorFunction,
    htmlElement: isHtmlElement,
    infinite: isInfinite,
    inRange: isInRange,
    int16Array: isInt16Array,
    int32Array: isInt32Array,
    int8Array: isInt8Array,
    integer: isInteger,
    iterable: isIterable,
    map: isMap,
    nan: isNan,
    nativePromise: isNativePromise,
    negativeNumber: isNegativeNumber,
    nodeStream: isNodeStream,
    nonEmptyArray: isNonEmptyArray,
    nonEmptyMap: isNonEmptyMap,
    nonEmptyObject: isNonEmptyObject,
    nonEmptySet: isNonEmptySet,
    nonEmptyString: isNonEmptyString,
    nonEmptyStringAndNotWhitespace: isNonEmptyStringAndNotWhitespace,
    null: isNull,
    nullOrUndefined: isNullOrUndefined,
    number: isNumber,
    numericString: isNumericString,
    object: distribution_isObject,
    observable: isObservable,
    oddInteger: isOddInteger,
    plainObject: isPlainObject,
    positiveNumber: isPositiveNumber,
    primitive: isPrimitive,
    promise: isPromise,
    propertyKey: isPropertyKey,
    regExp: isRegExp,
    safeInteger: isSafeInteger,
    set: isSet,
    sharedArrayBuffer: isSharedArrayBuffer,
    string: isString,
    symbol: isSymbol,
    truthy: isTruthy,
    tupleLike: isTupleLike,
    typedArray: isTypedArray,
    uint16Array: isUint16Array,
    uint32Array: isUint32Array,
    uint8Array: isUint8Array,
    uint8ClampedArray: isUint8ClampedArray,
    undefined: isUndefined,
    urlInstance: isUrlInstance,
    urlSearchParams: isUrlSearchParams,
    urlString: isUrlString,
    optional: isOptional,
    validDate: isValidDate,
    validLength: isValidLength,
    weakMap: isWeakMap,
    weakRef: isWeakRef,
    weakSet: isWeakSet,
    whitespaceString: isWhitespaceString,
});
function isAbsoluteModule2(remainder) {
    return (value) => isInteger(value) && Math.abs(value % 2) === remainder;
}
function validatePredicateArray(predicateArray, allowEmpty) {
    if (predicateArray.length === 0) {
        if (allowEmpty) {
            // Next major release: throw for empty predicate arrays to avoid vacuous results.
            // throw new TypeError('Invalid predicate array');
        }
        else {
            throw new TypeError('Invalid predicate array');
        }
        return;
    }
    for (const predicate of predicateArray) {
        if (!isFunction(predicate)) {
            throw new TypeError(`Invalid predicate: ${JSON.stringify(predicate)}`);
        }
    }
}
function isAll(predicate, ...values) {
    if (Array.isArray(predicate)) {
        const predicateArray = predicate;
        validatePredicateArray(predicateArray, values.length === 0);
        const combinedPredicate = (value) => predicateArray.every(singlePredicate => singlePredicate(value));
        if (values.length === 0) {
            return combinedPredicate;
        }
        return predicateOnArray(Array.prototype.every, combinedPredicate, values);
    }
    return predicateOnArray(Array.prototype.every, predicate, values);
}
function isAny(predicate, ...values) {
    if (Array.isArray(predicate)) {
        const predicateArray = predicate;
        validatePredicateArray(predicateArray, values.length === 0);
        const combinedPredicate = (value) => predicateArray.some(singlePredicate => singlePredicate(value));
        if (values.length === 0) {
            return combinedPredicate;
        }
        return predicateOnArray(Array.prototype.some, combinedPredicate, values);
    }
    return predicateOnArray(Array.prototype.some, predicate, values);
}
function isOptional(value, predicate) {
    return isUndefined(value) || predicate(value);
}
function isArray(value, assertion) {
    if (!Array.isArray(value)) {
        return false;
    }
    if (!isFunction(assertion)) {
        return true;
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
    return value.every(element => assertion(element));
}
function isArrayBuffer(value) {
    return getObjectType(value) === 'ArrayBuffer';
}
function isArrayLike(value) {
    return !isNullOrUndefined(value) && !isFunction(value) && isValidLength(value.length);
}
function isAsyncFunction(value) {
    return getObjectType(value) === 'AsyncFunction';
}
function isAsyncGenerator(value) {
    return isAsyncIterable(value) && isFunction(value.next) && isFunction(value.throw);
}
function isAsyncGeneratorFunction(value) {
    return getObjectType(value) === 'AsyncGeneratorFunction';
}
function isAsyncIterable(value) {
    return isFunction(value?.[Symbol.asyncIterator]);
}
function isBigint(value) {
    return typeof value === 'bigint';
}
function isBigInt64Array(value) {
    return getObjectType(value) === 'BigInt64Array';
}
function isBigUint64Array(value) {
    return getObjectType(value) === 'BigUint64Array';
}
function isBlob(value) {
    return getObjectType(value) === 'Blob';
}
function isBoolean(value) {
    return value === true || value === false;
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isBoundFunction(value) {
    return isFunction(value) && !Object.hasOwn(value, 'prototype');
}
/**
Note: [Prefer using `Uint8Array` instead of `Buffer`.](https://sindresorhus.com/blog/goodbye-nodejs-buffer)
*/
function isBuffer(value) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call
    return value?.constructor?.isBuffer?.(value) ?? false;
}
function isClass(value) {
    return isFunction(value) && /^class(\s+|{)/.test(value.toString());
}
function isDataView(value) {
    return getObjectType(value) === 'DataView';
}
function isDate(value) {
    return getObjectType(value) === 'Date';
}
function isDirectInstanceOf(instance, class_) {
    if (instance === undefined || instance === null) {
        return false;
    }
    return Object.getPrototypeOf(instance) === class_.prototype;
}
function isEmptyArray(value) {
    return isArray(value) && value.length === 0;
}
function isEmptyMap(value) {
    return isMap(value) && value.size === 0;
}
function isEmptyObject(value) {
    return distribution_isObject(value) && !isMap(value) && !isSet(value) && Object.keys(value).length === 0;
}
function isEmptySet(value) {
    return isSet(value) && value.size === 0;
}
function isEmptyString(value) {
    return isString(value) && value.length === 0;
}
function isEmptyStringOrWhitespace(value) {
    return isEmptyString(value) || isWhitespaceString(value);
}
function isEnumCase(value, targetEnum) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
    return Object.values(targetEnum).includes(value);
}
function isError(value) {
    // TODO: Use `Error.isError` when targeting Node.js 24.`
    return getObjectType(value) === 'Error';
}
function isEvenInteger(value) {
    return isAbsoluteModule2(0)(value);
}
// Example: `is.falsy = (value: unknown): value is (not true | 0 | '' | undefined | null) => Boolean(value);`
function isFalsy(value) {
    return !value;
}
// TODO: Support detecting Float16Array when targeting Node.js 24.
function isFloat32Array(value) {
    return getObjectType(value) === 'Float32Array';
}
function isFloat64Array(value) {
    return getObjectType(value) === 'Float64Array';
}
function isFormData(value) {
    return getObjectType(value) === 'FormData';
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isFunction(value) {
    return typeof value === 'function';
}
function isGenerator(value) {
    return isIterable(value) && isFunction(value?.next) && isFunction(value?.throw);
}
function isGeneratorFunction(value) {
    return getObjectType(value) === 'GeneratorFunction';
}
// eslint-disable-next-line @typescript-eslint/naming-convention
const NODE_TYPE_ELEMENT = 1;
// eslint-disable-next-line @typescript-eslint/naming-convention
const DOM_PROPERTIES_TO_CHECK = [
    'innerHTML',
    'ownerDocument',
    'style',
    'attributes',
    'nodeValue',
];
function isHtmlElement(value) {
    return distribution_isObject(value)
        && value.nodeType === NODE_TYPE_ELEMENT
        && isString(value.nodeName)
        && !isPlainObject(value)
        && DOM_PROPERTIES_TO_CHECK.every(property => property in value);
}
function isInfinite(value) {
    return value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY;
}
function isInRange(value, range) {
    if (isNumber(range)) {
        return value >= Math.min(0, range) && value <= Math.max(range, 0);
    }
    if (isArray(range) && range.length === 2) {
        return value >= Math.min(...range) && value <= Math.max(...range);
    }
    throw new TypeError(`Invalid range: ${JSON.stringify(range)}`);
}
function isInt16Array(value) {
    return getObjectType(value) === 'Int16Array';
}
function isInt32Array(value) {
    return getObjectType(value) === 'Int32Array';
}
function isInt8Array(value) {
    return getObjectType(value) === 'Int8Array';
}
function isInteger(value) {
    return Number.isInteger(value);
}
function isIterable(value) {
    return isFunction(value?.[Symbol.iterator]);
}
function isMap(value) {
    return getObjectType(value) === 'Map';
}
function isNan(value) {
    return Number.isNaN(value);
}
function isNativePromise(value) {
    return getObjectType(value) === 'Promise';
}
function isNegativeNumber(value) {
    return isNumber(value) && value < 0;
}
function isNodeStream(value) {
    return distribution_isObject(value) && isFunction(value.pipe) && !isObservable(value);
}
function isNonEmptyArray(value) {
    return isArray(value) && value.length > 0;
}
function isNonEmptyMap(value) {
    return isMap(value) && value.size > 0;
}
// TODO: Use `not` operator here to remove `Map` and `Set` from type guard:
// - https://github.com/Microsoft/TypeScript/pull/29317
function isNonEmptyObject(value) {
    return distribution_isObject(value) && !isMap(value) && !isSet(value) && Object.keys(value).length > 0;
}
function isNonEmptySet(value) {
    return isSet(value) && value.size > 0;
}
// TODO: Use `not ''` when the `not` operator is available.
function isNonEmptyString(value) {
    return isString(value) && value.length > 0;
}
// TODO: Use `not ''` when the `not` operator is available.
function isNonEmptyStringAndNotWhitespace(value) {
    return isString(value) && !isEmptyStringOrWhitespace(value);
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isNull(value) {
    return value === null;
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isNullOrUndefined(value) {
    return isNull(value) || isUndefined(value);
}
function isNumber(value) {
    return typeof value === 'number' && !Number.isNaN(value);
}
function isNumericString(value) {
    return isString(value) && !isEmptyStringOrWhitespace(value) && !Number.isNaN(Number(value));
}
// eslint-disable-next-line @typescript-eslint/ban-types
function distribution_isObject(value) {
    return !isNull(value) && (typeof value === 'object' || isFunction(value));
}
function isObservable(value) {
    if (!value) {
        return false;
    }
    // eslint-disable-next-line no-use-extend-native/no-use-extend-native, @typescript-eslint/no-unsafe-call
    if (Symbol.observable !== undefined && value === value[Symbol.observable]?.()) {
        return true;
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call
    if (value === value['@@observable']?.()) {
        return true;
    }
    return false;
}
function isOddInteger(value) {
    return isAbsoluteModule2(1)(value);
}
function isPlainObject(value) {
    // From: https://github.com/sindresorhus/is-plain-obj/blob/main/index.js
    if (typeof value !== 'object' || value === null) {
        return false;
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    const prototype = Object.getPrototypeOf(value);
    return (prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null) && !(Symbol.toStringTag in value) && !(Symbol.iterator in value);
}
function isPositiveNumber(value) {
    return isNumber(value) && value > 0;
}
function isPrimitive(value) {
    return isNull(value) || isPrimitiveTypeName(typeof value);
}
function isPromise(value) {
    return isNativePromise(value) || hasPromiseApi(value);
}
// `PropertyKey` is any value that can be used as an object key (string, number, or symbol)
function isPropertyKey(value) {
    return isAny([isString, isNumber, isSymbol], value);
}
function isRegExp(value) {
    return getObjectType(value) === 'RegExp';
}
function isSafeInteger(value) {
    return Number.isSafeInteger(value);
}
function isSet(value) {
    return getObjectType(value) === 'Set';
}
function isSharedArrayBuffer(value) {
    return getObjectType(value) === 'SharedArrayBuffer';
}
function isString(value) {
    return typeof value === 'string';
}
function isSymbol(value) {
    return typeof value === 'symbol';
}
// Example: `is.truthy = (value: unknown): value is (not false | not 0 | not '' | not undefined | not null) => Boolean(value);`
// eslint-disable-next-line unicorn/prefer-native-coercion-functions
function isTruthy(value) {
    return Boolean(value);
}
function isTupleLike(value, guards) {
    if (isArray(guards) && isArray(value) && guards.length === value.length) {
        return guards.every((guard, index) => guard(value[index]));
    }
    return false;
}
function isTypedArray(value) {
    return isTypedArrayName(getObjectType(value));
}
function isUint16Array(value) {
    return getObjectType(value) === 'Uint16Array';
}
function isUint32Array(value) {
    return getObjectType(value) === 'Uint32Array';
}
function isUint8Array(value) {
    return getObjectType(value) === 'Uint8Array';
}
function isUint8ClampedArray(value) {
    return getObjectType(value) === 'Uint8ClampedArray';
}
function isUndefined(value) {
    return value === undefined;
}
function isUrlInstance(value) {
    return getObjectType(value) === 'URL';
}
// eslint-disable-next-line unicorn/prevent-abbreviations
function isUrlSearchParams(value) {
    return getObjectType(value) === 'URLSearchParams';
}
function isUrlString(value) {
    if (!isString(value)) {
        return false;
    }
    try {
        new URL(value); // eslint-disable-line no-new
        return true;
    }
    catch {
        return false;
    }
}
function isValidDate(value) {
    return isDate(value) && !isNan(Number(value));
}
function isValidLength(value) {
    return isSafeInteger(value) && value >= 0;
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isWeakMap(value) {
    return getObjectType(value) === 'WeakMap';
}
// eslint-disable-next-line @typescript-eslint/ban-types, unicorn/prevent-abbreviations
function isWeakRef(value) {
    return getObjectType(value) === 'WeakRef';
}
// eslint-disable-next-line @typescript-eslint/ban-types
function isWeakSet(value) {
    return getObjectType(value) === 'WeakSet';
}
function isWhitespaceString(value) {
    return isString(value) && /^\s+$/.test(value);
}
function predicateOnArray(method, predicate, values) {
    if (!isFunction(predicate)) {
        throw new TypeError(`Invalid predicate: ${JSON.stringify(predicate)}`);
    }
    if (values.length === 0) {
        throw new TypeError('Invalid number of values');
    }
    return method.call(values, predicate);
}
function typeErrorMessage(description, value) {
    return `Expected value which is \`${description}\`, received value of type \`${is(value)}\`.`;
}
function unique(values) {
    // eslint-disable-next-line unicorn/prefer-spread
    return Array.from(new Set(values));
}
const andFormatter = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
const orFormatter = new Intl.ListFormat('en', { style: 'long', type: 'disjunction' });
function typeErrorMessageMultipleValues(expectedType, values) {
    const uniqueExpectedTypes = unique((isArray(expectedType) ? expectedType : [expectedType]).map(value => `\`${value}\``));
    const uniqueValueTypes = unique(values.map(value => `\`${is(value)}\``));
    return `Expected values which are ${orFormatter.format(uniqueExpectedTypes)}. Received values of type${uniqueValueTypes.length > 1 ? 's' : ''} ${andFormatter.format(uniqueValueTypes)}.`;
}
const assert = {
    all: assertAll,
    any: assertAny,
    optional: assertOptional,
    array: assertArray,
    arrayBuffer: assertArrayBuffer,
    arrayLike: assertArrayLike,
    asyncFunction: assertAsyncFunction,
    asyncGenerator: assertAsyncGenerator,
    asyncGeneratorFunction: assertAsyncGeneratorFunction,
    asyncIterable: assertAsyncIterable,
    bigint: assertBigint,
    bigInt64Array: assertBigInt64Array,
    bigUint64Array: assertBigUint64Array,
    blob: assertBlob,
    boolean: assertBoolean,
    boundFunction: assertBoundFunction,
    buffer: assertBuffer,
    class: assertClass,
    dataView: assertDataView,
    date: assertDate,
    directInstanceOf: assertDirectInstanceOf,
    emptyArray: assertEmptyArray,
    emptyMap: assertEmptyMap,
    emptyObject: assertEmptyObject,
    emptySet: assertEmptySet,
    emptyString: assertEmptyString,
    emptyStringOrWhitespace: assertEmptyStringOrWhitespace,
    enumCase: assertEnumCase,
    error: assertError,
    evenInteger: assertEvenInteger,
    falsy: assertFalsy,
    float32Array: assertFloat32Array,
    float64Array: assertFloat64Array,
    formData: assertFormData,
    function: assertFunction,
    generator: assertGenerator,
    generatorFunction: assertGeneratorFunction,
    htmlElement: assertHtmlElement,
    infinite: assertInfinite,
    inRange: assertInRange,
    int16Array: assertInt16Array,
    int32Array: assertInt32Array,
    int8Array: assertInt8Array,
    integer: assertInteger,
    iterable: assertIterable,
    map: assertMap,
    nan: assertNan,
    nativePromise: assertNativePromise,
    negativeNumber: assertNegativeNumber,
    nodeStream: assertNodeStream,
    nonEmptyArray: assertNonEmptyArray,
    nonEmptyMap: assertNonEmptyMap,
    nonEmptyObject: assertNonEmptyObject,
    nonEmptySet: assertNonEmptySet,
    nonEmptyString: assertNonEmptyString,
    nonEmptyStringAndNotWhitespace: assertNonEmptyStringAndNotWhitespace,
    null: assertNull,
    nullOrUndefined: assertNullOrUndefined,
    number: assertNumber,
    numericString: assertNumericString,
    object: assertObject,
    observable: assertObservable,
    oddInteger: assertOddInteger,
    plainObject: assertPlainObject,
    positiveNumber: assertPositiveNumber,
    primitive: assertPrimitive,
    promise: assertPromise,
    propertyKey: assertPropertyKey,
    regExp: assertRegExp,
    safeInteger: assertSafeInteger,
    set: assertSet,
    sharedArrayBuffer: assertSharedArrayBuffer,
    string: assertString,
    symbol: assertSymbol,
    truthy: assertTruthy,
    tupleLike: assertTupleLike,
    typedArray: assertTypedArray,
    uint16Array: assertUint16Array,
    uint32Array: assertUint32Array,
    uint8Array: assertUint8Array,
    uint8ClampedArray: assertUint8ClampedArray,
    undefined: assertUndefined,
    urlInstance: assertUrlInstance,
    urlSearchParams: assertUrlSearchParams,
    urlString: assertUrlString,
    validDate: assertValidDate,
    validLength: assertValidLength,
    weakMap: assertWeakMap,
    weakRef: assertWeakRef,
    weakSet: assertWeakSet,
    whitespaceString: assertWhitespaceString,
};
const methodTypeMap = {
    isArray: 'Array',
    isArrayBuffer: 'ArrayBuffer',
    isArrayLike: 'array-like',
    isAsyncFunction: 'AsyncFunction',
    isAsyncGenerator: 'AsyncGenerator',
    isAsyncGeneratorFunction: 'AsyncGeneratorFunction',
    isAsyncIterable: 'AsyncIterable',
    isBigint: 'bigint',
    isBigInt64Array: 'BigInt64Array',
    isBigUint64Array: 'BigUint64Array',
    isBlob: 'Blob',
    isBoolean: 'boolean',
    isBoundFunction: 'Function',
    isBuffer: 'Buffer',
    isClass: 'Class',
    isDataView: 'DataView',
    isDate: 'Date',
    isDirectInstanceOf: 'T',
    isEmptyArray: 'empty array',
    isEmptyMap: 'empty map',
    isEmptyObject: 'empty object',
    isEmptySet: 'empty set',
    isEmptyString: 'empty string',
    isEmptyStringOrWhitespace: 'empty string or whitespace',
    isEnumCase: 'EnumCase',
    isError: 'Error',
    isEvenInteger: 'even integer',
    isFalsy: 'falsy',
    isFloat32Array: 'Float32Array',
    isFloat64Array: 'Float64Array',
    isFormData: 'FormData',
    isFunction: 'Function',
    isGenerator: 'Generator',
    isGeneratorFunction: 'GeneratorFunction',
    isHtmlElement: 'HTMLElement',
    isInfinite: 'infinite number',
    isInRange: 'in range',
    isInt16Array: 'Int16Array',
    isInt32Array: 'Int32Array',
    isInt8Array: 'Int8Array',
    isInteger: 'integer',
    isIterable: 'Iterable',
    isMap: 'Map',
    isNan: 'NaN',
    isNativePromise: 'native Promise',
    isNegativeNumber: 'negative number',
    isNodeStream: 'Node.js Stream',
    isNonEmptyArray: 'non-empty array',
    isNonEmptyMap: 'non-empty map',
    isNonEmptyObject: 'non-empty object',
    isNonEmptySet: 'non-empty set',
    isNonEmptyString: 'non-empty string',
    isNonEmptyStringAndNotWhitespace: 'non-empty string and not whitespace',
    isNull: 'null',
    isNullOrUndefined: 'null or undefined',
    isNumber: 'number',
    isNumericString: 'string with a number',
    isObject: 'Object',
    isObservable: 'Observable',
    isOddInteger: 'odd integer',
    isPlainObject: 'plain object',
    isPositiveNumber: 'positive number',
    isPrimitive: 'primitive',
    isPromise: 'Promise',
    isPropertyKey: 'PropertyKey',
    isRegExp: 'RegExp',
    isSafeInteger: 'integer',
    isSet: 'Set',
    isSharedArrayBuffer: 'SharedArrayBuffer',
    isString: 'string',
    isSymbol: 'symbol',
    isTruthy: 'truthy',
    isTupleLike: 'tuple-like',
    isTypedArray: 'TypedArray',
    isUint16Array: 'Uint16Array',
    isUint32Array: 'Uint32Array',
    isUint8Array: 'Uint8Array',
    isUint8ClampedArray: 'Uint8ClampedArray',
    isUndefined: 'undefined',
    isUrlInstance: 'URL',
    isUrlSearchParams: 'URLSearchParams',
    isUrlString: 'string with a URL',
    isValidDate: 'valid Date',
    isValidLength: 'valid length',
    isWeakMap: 'WeakMap',
    isWeakRef: 'WeakRef',
    isWeakSet: 'WeakSet',
    isWhitespaceString: 'whitespace string',
};
const isMethodNames = keysOf(methodTypeMap);
function isIsMethodName(value) {
    return isMethodNames.includes(value);
}
function assertAll(predicate, ...values) {
    if (values.length === 0) {
        throw new TypeError('Invalid number of values');
    }
    if (!isAll(predicate, ...values)) {
        const predicateFunction = predicate;
        const expectedType = !Array.isArray(predicate) && isIsMethodName(predicateFunction.name) ? methodTypeMap[predicateFunction.name] : 'predicate returns truthy for all values';
        throw new TypeError(typeErrorMessageMultipleValues(expectedType, values));
    }
}
function assertAny(predicate, ...values) {
    if (values.length === 0) {
        throw new TypeError('Invalid number of values');
    }
    if (!isAny(predicate, ...values)) {
        const predicates = Array.isArray(predicate) ? predicate : [predicate];
        const expectedTypes = predicates.map(singlePredicate => isIsMethodName(singlePredicate.name) ? methodTypeMap[singlePredicate.name] : 'predicate returns truthy for any value');
        throw new TypeError(typeErrorMessageMultipleValues(expectedTypes, values));
    }
}
function assertOptional(value, assertion, message) {
    if (!isUndefined(value)) {
        assertion(value, message);
    }
}
function assertArray(value, assertion, message) {
    if (!isArray(value)) {
        throw new TypeError(message ?? typeErrorMessage('Array', value));
    }
    if (assertion) {
        for (const element of value) {
            // @ts-expect-error: "Assertions require every name in the call target to be declared with an explicit type annotation."
            assertion(element, message);
        }
    }
}
function assertArrayBuffer(value, message) {
    if (!isArrayBuffer(value)) {
        throw new TypeError(message ?? typeErrorMessage('ArrayBuffer', value));
    }
}
function assertArrayLike(value, message) {
    if (!isArrayLike(value)) {
        throw new TypeError(message ?? typeErrorMessage('array-like', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertAsyncFunction(value, message) {
    if (!isAsyncFunction(value)) {
        throw new TypeError(message ?? typeErrorMessage('AsyncFunction', value));
    }
}
function assertAsyncGenerator(value, message) {
    if (!isAsyncGenerator(value)) {
        throw new TypeError(message ?? typeErrorMessage('AsyncGenerator', value));
    }
}
function assertAsyncGeneratorFunction(value, message) {
    if (!isAsyncGeneratorFunction(value)) {
        throw new TypeError(message ?? typeErrorMessage('AsyncGeneratorFunction', value));
    }
}
function assertAsyncIterable(value, message) {
    if (!isAsyncIterable(value)) {
        throw new TypeError(message ?? typeErrorMessage('AsyncIterable', value));
    }
}
function assertBigint(value, message) {
    if (!isBigint(value)) {
        throw new TypeError(message ?? typeErrorMessage('bigint', value));
    }
}
function assertBigInt64Array(value, message) {
    if (!isBigInt64Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('BigInt64Array', value));
    }
}
function assertBigUint64Array(value, message) {
    if (!isBigUint64Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('BigUint64Array', value));
    }
}
function assertBlob(value, message) {
    if (!isBlob(value)) {
        throw new TypeError(message ?? typeErrorMessage('Blob', value));
    }
}
function assertBoolean(value, message) {
    if (!isBoolean(value)) {
        throw new TypeError(message ?? typeErrorMessage('boolean', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertBoundFunction(value, message) {
    if (!isBoundFunction(value)) {
        throw new TypeError(message ?? typeErrorMessage('Function', value));
    }
}
/**
Note: [Prefer using `Uint8Array` instead of `Buffer`.](https://sindresorhus.com/blog/goodbye-nodejs-buffer)
*/
function assertBuffer(value, message) {
    if (!isBuffer(value)) {
        throw new TypeError(message ?? typeErrorMessage('Buffer', value));
    }
}
function assertClass(value, message) {
    if (!isClass(value)) {
        throw new TypeError(message ?? typeErrorMessage('Class', value));
    }
}
function assertDataView(value, message) {
    if (!isDataView(value)) {
        throw new TypeError(message ?? typeErrorMessage('DataView', value));
    }
}
function assertDate(value, message) {
    if (!isDate(value)) {
        throw new TypeError(message ?? typeErrorMessage('Date', value));
    }
}
function assertDirectInstanceOf(instance, class_, message) {
    if (!isDirectInstanceOf(instance, class_)) {
        throw new TypeError(message ?? typeErrorMessage('T', instance));
    }
}
function assertEmptyArray(value, message) {
    if (!isEmptyArray(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty array', value));
    }
}
function assertEmptyMap(value, message) {
    if (!isEmptyMap(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty map', value));
    }
}
function assertEmptyObject(value, message) {
    if (!isEmptyObject(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty object', value));
    }
}
function assertEmptySet(value, message) {
    if (!isEmptySet(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty set', value));
    }
}
function assertEmptyString(value, message) {
    if (!isEmptyString(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty string', value));
    }
}
function assertEmptyStringOrWhitespace(value, message) {
    if (!isEmptyStringOrWhitespace(value)) {
        throw new TypeError(message ?? typeErrorMessage('empty string or whitespace', value));
    }
}
function assertEnumCase(value, targetEnum, message) {
    if (!isEnumCase(value, targetEnum)) {
        throw new TypeError(message ?? typeErrorMessage('EnumCase', value));
    }
}
function assertError(value, message) {
    if (!isError(value)) {
        throw new TypeError(message ?? typeErrorMessage('Error', value));
    }
}
function assertEvenInteger(value, message) {
    if (!isEvenInteger(value)) {
        throw new TypeError(message ?? typeErrorMessage('even integer', value));
    }
}
function assertFalsy(value, message) {
    if (!isFalsy(value)) {
        throw new TypeError(message ?? typeErrorMessage('falsy', value));
    }
}
function assertFloat32Array(value, message) {
    if (!isFloat32Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Float32Array', value));
    }
}
function assertFloat64Array(value, message) {
    if (!isFloat64Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Float64Array', value));
    }
}
function assertFormData(value, message) {
    if (!isFormData(value)) {
        throw new TypeError(message ?? typeErrorMessage('FormData', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertFunction(value, message) {
    if (!isFunction(value)) {
        throw new TypeError(message ?? typeErrorMessage('Function', value));
    }
}
function assertGenerator(value, message) {
    if (!isGenerator(value)) {
        throw new TypeError(message ?? typeErrorMessage('Generator', value));
    }
}
function assertGeneratorFunction(value, message) {
    if (!isGeneratorFunction(value)) {
        throw new TypeError(message ?? typeErrorMessage('GeneratorFunction', value));
    }
}
function assertHtmlElement(value, message) {
    if (!isHtmlElement(value)) {
        throw new TypeError(message ?? typeErrorMessage('HTMLElement', value));
    }
}
function assertInfinite(value, message) {
    if (!isInfinite(value)) {
        throw new TypeError(message ?? typeErrorMessage('infinite number', value));
    }
}
function assertInRange(value, range, message) {
    if (!isInRange(value, range)) {
        throw new TypeError(message ?? typeErrorMessage('in range', value));
    }
}
function assertInt16Array(value, message) {
    if (!isInt16Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Int16Array', value));
    }
}
function assertInt32Array(value, message) {
    if (!isInt32Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Int32Array', value));
    }
}
function assertInt8Array(value, message) {
    if (!isInt8Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Int8Array', value));
    }
}
function assertInteger(value, message) {
    if (!isInteger(value)) {
        throw new TypeError(message ?? typeErrorMessage('integer', value));
    }
}
function assertIterable(value, message) {
    if (!isIterable(value)) {
        throw new TypeError(message ?? typeErrorMessage('Iterable', value));
    }
}
function assertMap(value, message) {
    if (!isMap(value)) {
        throw new TypeError(message ?? typeErrorMessage('Map', value));
    }
}
function assertNan(value, message) {
    if (!isNan(value)) {
        throw new TypeError(message ?? typeErrorMessage('NaN', value));
    }
}
function assertNativePromise(value, message) {
    if (!isNativePromise(value)) {
        throw new TypeError(message ?? typeErrorMessage('native Promise', value));
    }
}
function assertNegativeNumber(value, message) {
    if (!isNegativeNumber(value)) {
        throw new TypeError(message ?? typeErrorMessage('negative number', value));
    }
}
function assertNodeStream(value, message) {
    if (!isNodeStream(value)) {
        throw new TypeError(message ?? typeErrorMessage('Node.js Stream', value));
    }
}
function assertNonEmptyArray(value, message) {
    if (!isNonEmptyArray(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty array', value));
    }
}
function assertNonEmptyMap(value, message) {
    if (!isNonEmptyMap(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty map', value));
    }
}
function assertNonEmptyObject(value, message) {
    if (!isNonEmptyObject(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty object', value));
    }
}
function assertNonEmptySet(value, message) {
    if (!isNonEmptySet(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty set', value));
    }
}
function assertNonEmptyString(value, message) {
    if (!isNonEmptyString(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty string', value));
    }
}
function assertNonEmptyStringAndNotWhitespace(value, message) {
    if (!isNonEmptyStringAndNotWhitespace(value)) {
        throw new TypeError(message ?? typeErrorMessage('non-empty string and not whitespace', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertNull(value, message) {
    if (!isNull(value)) {
        throw new TypeError(message ?? typeErrorMessage('null', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertNullOrUndefined(value, message) {
    if (!isNullOrUndefined(value)) {
        throw new TypeError(message ?? typeErrorMessage('null or undefined', value));
    }
}
function assertNumber(value, message) {
    if (!isNumber(value)) {
        throw new TypeError(message ?? typeErrorMessage('number', value));
    }
}
function assertNumericString(value, message) {
    if (!isNumericString(value)) {
        throw new TypeError(message ?? typeErrorMessage('string with a number', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertObject(value, message) {
    if (!distribution_isObject(value)) {
        throw new TypeError(message ?? typeErrorMessage('Object', value));
    }
}
function assertObservable(value, message) {
    if (!isObservable(value)) {
        throw new TypeError(message ?? typeErrorMessage('Observable', value));
    }
}
function assertOddInteger(value, message) {
    if (!isOddInteger(value)) {
        throw new TypeError(message ?? typeErrorMessage('odd integer', value));
    }
}
function assertPlainObject(value, message) {
    if (!isPlainObject(value)) {
        throw new TypeError(message ?? typeErrorMessage('plain object', value));
    }
}
function assertPositiveNumber(value, message) {
    if (!isPositiveNumber(value)) {
        throw new TypeError(message ?? typeErrorMessage('positive number', value));
    }
}
function assertPrimitive(value, message) {
    if (!isPrimitive(value)) {
        throw new TypeError(message ?? typeErrorMessage('primitive', value));
    }
}
function assertPromise(value, message) {
    if (!isPromise(value)) {
        throw new TypeError(message ?? typeErrorMessage('Promise', value));
    }
}
function assertPropertyKey(value, message) {
    if (!isPropertyKey(value)) {
        throw new TypeError(message ?? typeErrorMessage('PropertyKey', value));
    }
}
function assertRegExp(value, message) {
    if (!isRegExp(value)) {
        throw new TypeError(message ?? typeErrorMessage('RegExp', value));
    }
}
function assertSafeInteger(value, message) {
    if (!isSafeInteger(value)) {
        throw new TypeError(message ?? typeErrorMessage('integer', value));
    }
}
function assertSet(value, message) {
    if (!isSet(value)) {
        throw new TypeError(message ?? typeErrorMessage('Set', value));
    }
}
function assertSharedArrayBuffer(value, message) {
    if (!isSharedArrayBuffer(value)) {
        throw new TypeError(message ?? typeErrorMessage('SharedArrayBuffer', value));
    }
}
function assertString(value, message) {
    if (!isString(value)) {
        throw new TypeError(message ?? typeErrorMessage('string', value));
    }
}
function assertSymbol(value, message) {
    if (!isSymbol(value)) {
        throw new TypeError(message ?? typeErrorMessage('symbol', value));
    }
}
function assertTruthy(value, message) {
    if (!isTruthy(value)) {
        throw new TypeError(message ?? typeErrorMessage('truthy', value));
    }
}
function assertTupleLike(value, guards, message) {
    if (!isTupleLike(value, guards)) {
        throw new TypeError(message ?? typeErrorMessage('tuple-like', value));
    }
}
function assertTypedArray(value, message) {
    if (!isTypedArray(value)) {
        throw new TypeError(message ?? typeErrorMessage('TypedArray', value));
    }
}
function assertUint16Array(value, message) {
    if (!isUint16Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Uint16Array', value));
    }
}
function assertUint32Array(value, message) {
    if (!isUint32Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Uint32Array', value));
    }
}
function assertUint8Array(value, message) {
    if (!isUint8Array(value)) {
        throw new TypeError(message ?? typeErrorMessage('Uint8Array', value));
    }
}
function assertUint8ClampedArray(value, message) {
    if (!isUint8ClampedArray(value)) {
        throw new TypeError(message ?? typeErrorMessage('Uint8ClampedArray', value));
    }
}
function assertUndefined(value, message) {
    if (!isUndefined(value)) {
        throw new TypeError(message ?? typeErrorMessage('undefined', value));
    }
}
function assertUrlInstance(value, message) {
    if (!isUrlInstance(value)) {
        throw new TypeError(message ?? typeErrorMessage('URL', value));
    }
}
// eslint-disable-next-line unicorn/prevent-abbreviations
function assertUrlSearchParams(value, message) {
    if (!isUrlSearchParams(value)) {
        throw new TypeError(message ?? typeErrorMessage('URLSearchParams', value));
    }
}
function assertUrlString(value, message) {
    if (!isUrlString(value)) {
        throw new TypeError(message ?? typeErrorMessage('string with a URL', value));
    }
}
function assertValidDate(value, message) {
    if (!isValidDate(value)) {
        throw new TypeError(message ?? typeErrorMessage('valid Date', value));
    }
}
function assertValidLength(value, message) {
    if (!isValidLength(value)) {
        throw new TypeError(message ?? typeErrorMessage('valid length', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertWeakMap(value, message) {
    if (!isWeakMap(value)) {
        throw new TypeError(message ?? typeErrorMessage('WeakMap', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types, unicorn/prevent-abbreviations
function assertWeakRef(value, message) {
    if (!isWeakRef(value)) {
        throw new TypeError(message ?? typeErrorMessage('WeakRef', value));
    }
}
// eslint-disable-next-line @typescript-eslint/ban-types
function assertWeakSet(value, message) {
    if (!isWeakSet(value)) {
        throw new TypeError(message ?? typeErrorMessage('WeakSet', value));
    }
}
function assertWhitespaceString(value, message) {
    if (!isWhitespaceString(value)) {
        throw new TypeError(message ?? typeErrorMessage('whitespace string', value));
    }
}
/* harmony default export */ const distribution = (is);

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: ./node_modules/p-cancelable/index.js
class CancelError extends Error {
	constructor(reason) {
		super(reason || 'Promise was canceled');
		this.name = 'CancelError';
	}

	get isCanceled() {
		return true;
	}
}

const promiseState = Object.freeze({
	pending: Symbol('pending'),
	canceled: Symbol('canceled'),
	resolved: Symbol('resolved'),
	rejected: Symbol('rejected'),
});

class PCancelable {
	static fn(userFunction) {
		return (...arguments_) => new PCancelable((resolve, reject, onCancel) => {
			arguments_.push(onCancel);
			userFunction(...arguments_).then(resolve, reject);
		});
	}

	#cancelHandlers = [];
	#rejectOnCancel = true;
	#state = promiseState.pending;
	#promise;
	#reject;

	constructor(executor) {
		this.#promise = new Promise((resolve, reject) => {
			this.#reject = reject;

			const onResolve = value => {
				if (this.#state !== promiseState.canceled || !onCancel.shouldReject) {
					resolve(value);
					this.#setState(promiseState.resolved);
				}
			};

			const onReject = error => {
				if (this.#state !== promiseState.canceled || !onCancel.shouldReject) {
					reject(error);
					this.#setState(promiseState.rejected);
				}
			};

			const onCancel = handler => {
				if (this.#state !== promiseState.pending) {
					throw new Error(`The \`onCancel\` handler was attached after the promise ${this.#state.description}.`);
				}

				this.#cancelHandlers.push(handler);
			};

			Object.defineProperties(onCancel, {
				shouldReject: {
					get: () => this.#rejectOnCancel,
					set: boolean => {
						this.#rejectOnCancel = boolean;
					},
				},
			});

			executor(onResolve, onReject, onCancel);
		});
	}

	// eslint-disable-next-line unicorn/no-thenable
	then(onFulfilled, onRejected) {
		return this.#promise.then(onFulfilled, onRejected);
	}

	catch(onRejected) {
		return this.#promise.catch(onRejected);
	}

	finally(onFinally) {
		return this.#promise.finally(onFinally);
	}

	cancel(reason) {
		if (this.#state !== promiseState.pending) {
			return;
		}

		this.#setState(promiseState.canceled);

		if (this.#cancelHandlers.length > 0) {
			try {
				for (const handler of this.#cancelHandlers) {
					handler();
				}
			} catch (error) {
				this.#reject(error);
				return;
			}
		}

		if (this.#rejectOnCancel) {
			this.#reject(new CancelError(reason));
		}
	}

	get isCanceled() {
		return this.#state === promiseState.canceled;
	}

	#setState(state) {
		if (this.#state === promiseState.pending) {
			this.#state = state;
		}
	}
}

Object.setPrototypeOf(PCancelable.prototype, Promise.prototype);

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/errors.js

// A hacky check to prevent circular references.
function isRequest(x) {
    return distribution.object(x) && '_onResponse' in x;
}
/**
An error to be thrown when a request fails.
Contains a `code` property with error class code, like `ECONNREFUSED`.
*/
class RequestError extends Error {
    name = 'RequestError';
    code = 'ERR_GOT_REQUEST_ERROR';
    input;
    stack;
    response;
    request;
    timings;
    constructor(message, error, self) {
        super(message, { cause: error });
        Error.captureStackTrace(this, this.constructor);
        if (error.code) {
            this.code = error.code;
        }
        this.input = error.input;
        if (isRequest(self)) {
            Object.defineProperty(this, 'request', {
                enumerable: false,
                value: self,
            });
            Object.defineProperty(this, 'response', {
                enumerable: false,
                value: self.response,
            });
            this.options = self.options;
        }
        else {
            this.options = self;
        }
        this.timings = this.request?.timings;
        // Recover the original stacktrace
        if (distribution.string(error.stack) && distribution.string(this.stack)) {
            const indexOfMessage = this.stack.indexOf(this.message) + this.message.length;
            const thisStackTrace = this.stack.slice(indexOfMessage).split('\n').reverse();
            const errorStackTrace = error.stack.slice(error.stack.indexOf(error.message) + error.message.length).split('\n').reverse();
            // Remove duplicated traces
            while (errorStackTrace.length > 0 && errorStackTrace[0] === thisStackTrace[0]) {
                thisStackTrace.shift();
            }
            this.stack = `${this.stack.slice(0, indexOfMessage)}${thisStackTrace.reverse().join('\n')}${errorStackTrace.reverse().join('\n')}`;
        }
    }
}
/**
An error to be thrown when the server redirects you more than ten times.
Includes a `response` property.
*/
class MaxRedirectsError extends RequestError {
    name = 'MaxRedirectsError';
    code = 'ERR_TOO_MANY_REDIRECTS';
    constructor(request) {
        super(`Redirected ${request.options.maxRedirects} times. Aborting.`, {}, request);
    }
}
/**
An error to be thrown when the server response code is not 2xx nor 3xx if `options.followRedirect` is `true`, but always except for 304.
Includes a `response` property.
*/
// TODO: Change `HTTPError<T = any>` to `HTTPError<T = unknown>` in the next major version to enforce type usage.
// eslint-disable-next-line @typescript-eslint/naming-convention
class HTTPError extends RequestError {
    name = 'HTTPError';
    code = 'ERR_NON_2XX_3XX_RESPONSE';
    constructor(response) {
        super(`Request failed with status code ${response.statusCode} (${response.statusMessage}): ${response.request.options.method} ${response.request.options.url.toString()}`, {}, response.request);
    }
}
/**
An error to be thrown when a cache method fails.
For example, if the database goes down or there's a filesystem error.
*/
class CacheError extends RequestError {
    name = 'CacheError';
    constructor(error, request) {
        super(error.message, error, request);
        if (this.code === 'ERR_GOT_REQUEST_ERROR') {
            this.code = 'ERR_CACHE_ACCESS';
        }
    }
}
/**
An error to be thrown when the request body is a stream and an error occurs while reading from that stream.
*/
class UploadError extends RequestError {
    name = 'UploadError';
    constructor(error, request) {
        super(error.message, error, request);
        if (this.code === 'ERR_GOT_REQUEST_ERROR') {
            this.code = 'ERR_UPLOAD';
        }
    }
}
/**
An error to be thrown when the request is aborted due to a timeout.
Includes an `event` and `timings` property.
*/
class TimeoutError extends RequestError {
    name = 'TimeoutError';
    timings;
    event;
    constructor(error, timings, request) {
        super(error.message, error, request);
        this.event = error.event;
        this.timings = timings;
    }
}
/**
An error to be thrown when reading from response stream fails.
*/
class ReadError extends RequestError {
    name = 'ReadError';
    constructor(error, request) {
        super(error.message, error, request);
        if (this.code === 'ERR_GOT_REQUEST_ERROR') {
            this.code = 'ERR_READING_RESPONSE_STREAM';
        }
    }
}
/**
An error which always triggers a new retry when thrown.
*/
class RetryError extends RequestError {
    name = 'RetryError';
    code = 'ERR_RETRYING';
    constructor(request) {
        super('Retrying', {}, request);
    }
}
/**
An error to be thrown when the request is aborted by AbortController.
*/
class AbortError extends RequestError {
    name = 'AbortError';
    code = 'ERR_ABORTED';
    constructor(request) {
        super('This operation was aborted.', {}, request);
    }
}

;// CONCATENATED MODULE: external "node:process"
const external_node_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");
;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: ./node_modules/byte-counter/utilities.js
const textEncoder = new TextEncoder();

function byteLength(data) {
	if (typeof data === 'string') {
		return textEncoder.encode(data).byteLength;
	}

	if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
		return data.byteLength;
	}

	return 0;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./node_modules/is-stream/index.js
function isStream(stream, {checkOpen = true} = {}) {
	return stream !== null
		&& typeof stream === 'object'
		&& (stream.writable || stream.readable || !checkOpen || (stream.writable === undefined && stream.readable === undefined))
		&& typeof stream.pipe === 'function';
}

function isWritableStream(stream, {checkOpen = true} = {}) {
	return isStream(stream, {checkOpen})
		&& (stream.writable || !checkOpen)
		&& typeof stream.write === 'function'
		&& typeof stream.end === 'function'
		&& typeof stream.writable === 'boolean'
		&& typeof stream.writableObjectMode === 'boolean'
		&& typeof stream.destroy === 'function'
		&& typeof stream.destroyed === 'boolean';
}

function isReadableStream(stream, {checkOpen = true} = {}) {
	return isStream(stream, {checkOpen})
		&& (stream.readable || !checkOpen)
		&& typeof stream.read === 'function'
		&& typeof stream.readable === 'boolean'
		&& typeof stream.readableObjectMode === 'boolean'
		&& typeof stream.destroy === 'function'
		&& typeof stream.destroyed === 'boolean';
}

function isDuplexStream(stream, options) {
	return isWritableStream(stream, options)
		&& isReadableStream(stream, options);
}

function isTransformStream(stream, options) {
	return isDuplexStream(stream, options)
		&& typeof stream._transform === 'function';
}

;// CONCATENATED MODULE: ./node_modules/@sec-ant/readable-stream/dist/ponyfill/asyncIterator.js
const a = Object.getPrototypeOf(
  Object.getPrototypeOf(
    /* istanbul ignore next */
    async function* () {
    }
  ).prototype
);
class c {
  #t;
  #n;
  #r = !1;
  #e = void 0;
  constructor(e, t) {
    this.#t = e, this.#n = t;
  }
  next() {
    const e = () => this.#s();
    return this.#e = this.#e ? this.#e.then(e, e) : e(), this.#e;
  }
  return(e) {
    const t = () => this.#i(e);
    return this.#e ? this.#e.then(t, t) : t();
  }
  async #s() {
    if (this.#r)
      return {
        done: !0,
        value: void 0
      };
    let e;
    try {
      e = await this.#t.read();
    } catch (t) {
      throw this.#e = void 0, this.#r = !0, this.#t.releaseLock(), t;
    }
    return e.done && (this.#e = void 0, this.#r = !0, this.#t.releaseLock()), e;
  }
  async #i(e) {
    if (this.#r)
      return {
        done: !0,
        value: e
      };
    if (this.#r = !0, !this.#n) {
      const t = this.#t.cancel(e);
      return this.#t.releaseLock(), await t, {
        done: !0,
        value: e
      };
    }
    return this.#t.releaseLock(), {
      done: !0,
      value: e
    };
  }
}
const n = Symbol();
function i() {
  return this[n].next();
}
Object.defineProperty(i, "name", { value: "next" });
function o(r) {
  return this[n].return(r);
}
Object.defineProperty(o, "name", { value: "return" });
const u = Object.create(a, {
  next: {
    enumerable: !0,
    configurable: !0,
    writable: !0,
    value: i
  },
  return: {
    enumerable: !0,
    configurable: !0,
    writable: !0,
    value: o
  }
});
function h({ preventCancel: r = !1 } = {}) {
  const e = this.getReader(), t = new c(
    e,
    r
  ), s = Object.create(u);
  return s[n] = t, s;
}


;// CONCATENATED MODULE: ./node_modules/@sec-ant/readable-stream/dist/ponyfill/index.js




;// CONCATENATED MODULE: ./node_modules/get-stream/source/stream.js



const getAsyncIterable = stream => {
	if (isReadableStream(stream, {checkOpen: false}) && nodeImports.on !== undefined) {
		return getStreamIterable(stream);
	}

	if (typeof stream?.[Symbol.asyncIterator] === 'function') {
		return stream;
	}

	// `ReadableStream[Symbol.asyncIterator]` support is missing in multiple browsers, so we ponyfill it
	if (stream_toString.call(stream) === '[object ReadableStream]') {
		return h.call(stream);
	}

	throw new TypeError('The first argument must be a Readable, a ReadableStream, or an async iterable.');
};

const {toString: stream_toString} = Object.prototype;

// The default iterable for Node.js streams does not allow for multiple readers at once, so we re-implement it
const getStreamIterable = async function * (stream) {
	const controller = new AbortController();
	const state = {};
	handleStreamEnd(stream, controller, state);

	try {
		for await (const [chunk] of nodeImports.on(stream, 'data', {signal: controller.signal})) {
			yield chunk;
		}
	} catch (error) {
		// Stream failure, for example due to `stream.destroy(error)`
		if (state.error !== undefined) {
			throw state.error;
		// `error` event directly emitted on stream
		} else if (!controller.signal.aborted) {
			throw error;
		// Otherwise, stream completed successfully
		}
		// The `finally` block also runs when the caller throws, for example due to the `maxBuffer` option
	} finally {
		stream.destroy();
	}
};

const handleStreamEnd = async (stream, controller, state) => {
	try {
		await nodeImports.finished(stream, {
			cleanup: true,
			readable: true,
			writable: false,
			error: false,
		});
	} catch (error) {
		state.error = error;
	} finally {
		controller.abort();
	}
};

// Loaded by the Node entrypoint, but not by the browser one.
// This prevents using dynamic imports.
const nodeImports = {};

;// CONCATENATED MODULE: ./node_modules/get-stream/source/contents.js


const getStreamContents = async (stream, {init, convertChunk, getSize, truncateChunk, addChunk, getFinalChunk, finalize}, {maxBuffer = Number.POSITIVE_INFINITY} = {}) => {
	const asyncIterable = getAsyncIterable(stream);

	const state = init();
	state.length = 0;

	try {
		for await (const chunk of asyncIterable) {
			const chunkType = getChunkType(chunk);
			const convertedChunk = convertChunk[chunkType](chunk, state);
			appendChunk({
				convertedChunk,
				state,
				getSize,
				truncateChunk,
				addChunk,
				maxBuffer,
			});
		}

		appendFinalChunk({
			state,
			convertChunk,
			getSize,
			truncateChunk,
			addChunk,
			getFinalChunk,
			maxBuffer,
		});
		return finalize(state);
	} catch (error) {
		const normalizedError = typeof error === 'object' && error !== null ? error : new Error(error);
		normalizedError.bufferedData = finalize(state);
		throw normalizedError;
	}
};

const appendFinalChunk = ({state, getSize, truncateChunk, addChunk, getFinalChunk, maxBuffer}) => {
	const convertedChunk = getFinalChunk(state);
	if (convertedChunk !== undefined) {
		appendChunk({
			convertedChunk,
			state,
			getSize,
			truncateChunk,
			addChunk,
			maxBuffer,
		});
	}
};

const appendChunk = ({convertedChunk, state, getSize, truncateChunk, addChunk, maxBuffer}) => {
	const chunkSize = getSize(convertedChunk);
	const newLength = state.length + chunkSize;

	if (newLength <= maxBuffer) {
		addNewChunk(convertedChunk, state, addChunk, newLength);
		return;
	}

	const truncatedChunk = truncateChunk(convertedChunk, maxBuffer - state.length);

	if (truncatedChunk !== undefined) {
		addNewChunk(truncatedChunk, state, addChunk, maxBuffer);
	}

	throw new MaxBufferError();
};

const addNewChunk = (convertedChunk, state, addChunk, newLength) => {
	state.contents = addChunk(convertedChunk, state, newLength);
	state.length = newLength;
};

const getChunkType = chunk => {
	const typeOfChunk = typeof chunk;

	if (typeOfChunk === 'string') {
		return 'string';
	}

	if (typeOfChunk !== 'object' || chunk === null) {
		return 'others';
	}

	if (globalThis.Buffer?.isBuffer(chunk)) {
		return 'buffer';
	}

	const prototypeName = objectToString.call(chunk);

	if (prototypeName === '[object ArrayBuffer]') {
		return 'arrayBuffer';
	}

	if (prototypeName === '[object DataView]') {
		return 'dataView';
	}

	if (
		Number.isInteger(chunk.byteLength)
		&& Number.isInteger(chunk.byteOffset)
		&& objectToString.call(chunk.buffer) === '[object ArrayBuffer]'
	) {
		return 'typedArray';
	}

	return 'others';
};

const {toString: objectToString} = Object.prototype;

class MaxBufferError extends Error {
	name = 'MaxBufferError';

	constructor() {
		super('maxBuffer exceeded');
	}
}

;// CONCATENATED MODULE: ./node_modules/get-stream/source/utils.js
const identity = value => value;

const noop = () => undefined;

const getContentsProperty = ({contents}) => contents;

const throwObjectStream = chunk => {
	throw new Error(`Streams in object mode are not supported: ${String(chunk)}`);
};

const getLengthProperty = convertedChunk => convertedChunk.length;

;// CONCATENATED MODULE: ./node_modules/get-stream/source/array-buffer.js



async function getStreamAsArrayBuffer(stream, options) {
	return getStreamContents(stream, arrayBufferMethods, options);
}

const initArrayBuffer = () => ({contents: new ArrayBuffer(0)});

const useTextEncoder = chunk => array_buffer_textEncoder.encode(chunk);
const array_buffer_textEncoder = new TextEncoder();

const useUint8Array = chunk => new Uint8Array(chunk);

const useUint8ArrayWithOffset = chunk => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);

const truncateArrayBufferChunk = (convertedChunk, chunkSize) => convertedChunk.slice(0, chunkSize);

// `contents` is an increasingly growing `Uint8Array`.
const addArrayBufferChunk = (convertedChunk, {contents, length: previousLength}, length) => {
	const newContents = hasArrayBufferResize() ? resizeArrayBuffer(contents, length) : resizeArrayBufferSlow(contents, length);
	new Uint8Array(newContents).set(convertedChunk, previousLength);
	return newContents;
};

// Without `ArrayBuffer.resize()`, `contents` size is always a power of 2.
// This means its last bytes are zeroes (not stream data), which need to be
// trimmed at the end with `ArrayBuffer.slice()`.
const resizeArrayBufferSlow = (contents, length) => {
	if (length <= contents.byteLength) {
		return contents;
	}

	const arrayBuffer = new ArrayBuffer(getNewContentsLength(length));
	new Uint8Array(arrayBuffer).set(new Uint8Array(contents), 0);
	return arrayBuffer;
};

// With `ArrayBuffer.resize()`, `contents` size matches exactly the size of
// the stream data. It does not include extraneous zeroes to trim at the end.
// The underlying `ArrayBuffer` does allocate a number of bytes that is a power
// of 2, but those bytes are only visible after calling `ArrayBuffer.resize()`.
const resizeArrayBuffer = (contents, length) => {
	if (length <= contents.maxByteLength) {
		contents.resize(length);
		return contents;
	}

	const arrayBuffer = new ArrayBuffer(length, {maxByteLength: getNewContentsLength(length)});
	new Uint8Array(arrayBuffer).set(new Uint8Array(contents), 0);
	return arrayBuffer;
};

// Retrieve the closest `length` that is both >= and a power of 2
const getNewContentsLength = length => SCALE_FACTOR ** Math.ceil(Math.log(length) / Math.log(SCALE_FACTOR));

const SCALE_FACTOR = 2;

const finalizeArrayBuffer = ({contents, length}) => hasArrayBufferResize() ? contents : contents.slice(0, length);

// `ArrayBuffer.slice()` is slow. When `ArrayBuffer.resize()` is available
// (Node >=20.0.0, Safari >=16.4 and Chrome), we can use it instead.
// eslint-disable-next-line no-warning-comments
// TODO: remove after dropping support for Node 20.
// eslint-disable-next-line no-warning-comments
// TODO: use `ArrayBuffer.transferToFixedLength()` instead once it is available
const hasArrayBufferResize = () => 'resize' in ArrayBuffer.prototype;

const arrayBufferMethods = {
	init: initArrayBuffer,
	convertChunk: {
		string: useTextEncoder,
		buffer: useUint8Array,
		arrayBuffer: useUint8Array,
		dataView: useUint8ArrayWithOffset,
		typedArray: useUint8ArrayWithOffset,
		others: throwObjectStream,
	},
	getSize: getLengthProperty,
	truncateChunk: truncateArrayBufferChunk,
	addChunk: addArrayBufferChunk,
	getFinalChunk: noop,
	finalize: finalizeArrayBuffer,
};

;// CONCATENATED MODULE: ./node_modules/get-stream/source/buffer.js


async function getStreamAsBuffer(stream, options) {
	if (!('Buffer' in globalThis)) {
		throw new Error('getStreamAsBuffer() is only supported in Node.js');
	}

	try {
		return arrayBufferToNodeBuffer(await getStreamAsArrayBuffer(stream, options));
	} catch (error) {
		if (error.bufferedData !== undefined) {
			error.bufferedData = arrayBufferToNodeBuffer(error.bufferedData);
		}

		throw error;
	}
}

const arrayBufferToNodeBuffer = arrayBuffer => globalThis.Buffer.from(arrayBuffer);

// EXTERNAL MODULE: ./node_modules/http-cache-semantics/index.js
var http_cache_semantics = __nccwpck_require__(203);
;// CONCATENATED MODULE: external "buffer"
const external_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");
;// CONCATENATED MODULE: ./node_modules/@keyv/serialize/dist/index.js
// src/index.ts

var _serialize = (data, escapeColonStrings = true) => {
  if (data === void 0 || data === null) {
    return "null";
  }
  if (typeof data === "string") {
    return JSON.stringify(
      escapeColonStrings && data.startsWith(":") ? `:${data}` : data
    );
  }
  if (external_buffer_namespaceObject.Buffer.isBuffer(data)) {
    return JSON.stringify(`:base64:${data.toString("base64")}`);
  }
  if (data?.toJSON) {
    data = data.toJSON();
  }
  if (typeof data === "object") {
    let s = "";
    const array = Array.isArray(data);
    s = array ? "[" : "{";
    let first = true;
    for (const k in data) {
      const ignore = typeof data[k] === "function" || !array && data[k] === void 0;
      if (!Object.hasOwn(data, k) || ignore) {
        continue;
      }
      if (!first) {
        s += ",";
      }
      first = false;
      if (array) {
        s += _serialize(data[k], escapeColonStrings);
      } else if (data[k] !== void 0) {
        s += `${_serialize(k, false)}:${_serialize(data[k], escapeColonStrings)}`;
      }
    }
    s += array ? "]" : "}";
    return s;
  }
  return JSON.stringify(data);
};
var defaultSerialize = (data) => {
  return _serialize(data, true);
};
var defaultDeserialize = (data) => JSON.parse(data, (_, value) => {
  if (typeof value === "string") {
    if (value.startsWith(":base64:")) {
      return external_buffer_namespaceObject.Buffer.from(value.slice(8), "base64");
    }
    return value.startsWith(":") ? value.slice(1) : value;
  }
  return value;
});


;// CONCATENATED MODULE: ./node_modules/keyv/dist/index.js
// src/index.ts


// src/event-manager.ts
var EventManager = class {
  _eventListeners;
  _maxListeners;
  constructor() {
    this._eventListeners = /* @__PURE__ */ new Map();
    this._maxListeners = 100;
  }
  maxListeners() {
    return this._maxListeners;
  }
  // Add an event listener
  addListener(event, listener) {
    this.on(event, listener);
  }
  on(event, listener) {
    if (!this._eventListeners.has(event)) {
      this._eventListeners.set(event, []);
    }
    const listeners = this._eventListeners.get(event);
    if (listeners) {
      if (listeners.length >= this._maxListeners) {
        console.warn(
          `MaxListenersExceededWarning: Possible event memory leak detected. ${listeners.length + 1} ${event} listeners added. Use setMaxListeners() to increase limit.`
        );
      }
      listeners.push(listener);
    }
    return this;
  }
  // Remove an event listener
  removeListener(event, listener) {
    this.off(event, listener);
  }
  off(event, listener) {
    const listeners = this._eventListeners.get(event) ?? [];
    const index = listeners.indexOf(listener);
    if (index !== -1) {
      listeners.splice(index, 1);
    }
    if (listeners.length === 0) {
      this._eventListeners.delete(event);
    }
  }
  once(event, listener) {
    const onceListener = (...arguments_) => {
      listener(...arguments_);
      this.off(event, onceListener);
    };
    this.on(event, onceListener);
  }
  // Emit an event
  // biome-ignore lint/suspicious/noExplicitAny: type format
  emit(event, ...arguments_) {
    const listeners = this._eventListeners.get(event);
    if (listeners && listeners.length > 0) {
      for (const listener of listeners) {
        listener(...arguments_);
      }
    }
  }
  // Get all listeners for a specific event
  listeners(event) {
    return this._eventListeners.get(event) ?? [];
  }
  // Remove all listeners for a specific event
  removeAllListeners(event) {
    if (event) {
      this._eventListeners.delete(event);
    } else {
      this._eventListeners.clear();
    }
  }
  // Set the maximum number of listeners for a single event
  setMaxListeners(n) {
    this._maxListeners = n;
  }
};
var event_manager_default = EventManager;

// src/hooks-manager.ts
var HooksManager = class extends event_manager_default {
  _hookHandlers;
  constructor() {
    super();
    this._hookHandlers = /* @__PURE__ */ new Map();
  }
  // Adds a handler function for a specific event
  addHandler(event, handler) {
    const eventHandlers = this._hookHandlers.get(event);
    if (eventHandlers) {
      eventHandlers.push(handler);
    } else {
      this._hookHandlers.set(event, [handler]);
    }
  }
  // Removes a specific handler function for a specific event
  removeHandler(event, handler) {
    const eventHandlers = this._hookHandlers.get(event);
    if (eventHandlers) {
      const index = eventHandlers.indexOf(handler);
      if (index !== -1) {
        eventHandlers.splice(index, 1);
      }
    }
  }
  // Triggers all handlers for a specific event with provided data
  // biome-ignore lint/suspicious/noExplicitAny: type format
  trigger(event, data) {
    const eventHandlers = this._hookHandlers.get(event);
    if (eventHandlers) {
      for (const handler of eventHandlers) {
        try {
          handler(data);
        } catch (error) {
          this.emit(
            "error",
            new Error(
              `Error in hook handler for event "${event}": ${error.message}`
            )
          );
        }
      }
    }
  }
  // Provides read-only access to the current handlers
  get handlers() {
    return new Map(this._hookHandlers);
  }
};
var hooks_manager_default = HooksManager;

// src/stats-manager.ts
var StatsManager = class extends event_manager_default {
  enabled = true;
  hits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;
  errors = 0;
  constructor(enabled) {
    super();
    if (enabled !== void 0) {
      this.enabled = enabled;
    }
    this.reset();
  }
  hit() {
    if (this.enabled) {
      this.hits++;
    }
  }
  miss() {
    if (this.enabled) {
      this.misses++;
    }
  }
  set() {
    if (this.enabled) {
      this.sets++;
    }
  }
  delete() {
    if (this.enabled) {
      this.deletes++;
    }
  }
  hitsOrMisses(array) {
    for (const item of array) {
      if (item === void 0) {
        this.miss();
      } else {
        this.hit();
      }
    }
  }
  reset() {
    this.hits = 0;
    this.misses = 0;
    this.sets = 0;
    this.deletes = 0;
    this.errors = 0;
  }
};
var stats_manager_default = StatsManager;

// src/index.ts
var KeyvHooks = /* @__PURE__ */ ((KeyvHooks2) => {
  KeyvHooks2["PRE_SET"] = "preSet";
  KeyvHooks2["POST_SET"] = "postSet";
  KeyvHooks2["PRE_GET"] = "preGet";
  KeyvHooks2["POST_GET"] = "postGet";
  KeyvHooks2["PRE_GET_MANY"] = "preGetMany";
  KeyvHooks2["POST_GET_MANY"] = "postGetMany";
  KeyvHooks2["PRE_GET_RAW"] = "preGetRaw";
  KeyvHooks2["POST_GET_RAW"] = "postGetRaw";
  KeyvHooks2["PRE_GET_MANY_RAW"] = "preGetManyRaw";
  KeyvHooks2["POST_GET_MANY_RAW"] = "postGetManyRaw";
  KeyvHooks2["PRE_DELETE"] = "preDelete";
  KeyvHooks2["POST_DELETE"] = "postDelete";
  return KeyvHooks2;
})(KeyvHooks || {});
var iterableAdapters = [
  "sqlite",
  "postgres",
  "mysql",
  "mongo",
  "redis",
  "valkey",
  "etcd"
];
var Keyv = class extends event_manager_default {
  opts;
  iterator;
  hooks = new hooks_manager_default();
  stats = new stats_manager_default(false);
  /**
   * Time to live in milliseconds
   */
  _ttl;
  /**
   * Namespace
   */
  _namespace;
  /**
   * Store
   */
  // biome-ignore lint/suspicious/noExplicitAny: type format
  _store = /* @__PURE__ */ new Map();
  _serialize = defaultSerialize;
  _deserialize = defaultDeserialize;
  _compression;
  _useKeyPrefix = true;
  _throwOnErrors = false;
  /**
   * Keyv Constructor
   * @param {KeyvStoreAdapter | KeyvOptions} store
   * @param {Omit<KeyvOptions, 'store'>} [options] if you provide the store you can then provide the Keyv Options
   */
  constructor(store, options) {
    super();
    options ??= {};
    store ??= {};
    this.opts = {
      namespace: "keyv",
      serialize: defaultSerialize,
      deserialize: defaultDeserialize,
      emitErrors: true,
      // @ts-expect-error - Map is not a KeyvStoreAdapter
      store: /* @__PURE__ */ new Map(),
      ...options
    };
    if (store && store.get) {
      this.opts.store = store;
    } else {
      this.opts = {
        ...this.opts,
        ...store
      };
    }
    this._store = this.opts.store ?? /* @__PURE__ */ new Map();
    this._compression = this.opts.compression;
    this._serialize = this.opts.serialize;
    this._deserialize = this.opts.deserialize;
    if (this.opts.namespace) {
      this._namespace = this.opts.namespace;
    }
    if (this._store) {
      if (!this._isValidStorageAdapter(this._store)) {
        throw new Error("Invalid storage adapter");
      }
      if (typeof this._store.on === "function") {
        this._store.on("error", (error) => this.emit("error", error));
      }
      this._store.namespace = this._namespace;
      if (typeof this._store[Symbol.iterator] === "function" && this._store instanceof Map) {
        this.iterator = this.generateIterator(
          this._store
        );
      } else if ("iterator" in this._store && this._store.opts && this._checkIterableAdapter()) {
        this.iterator = this.generateIterator(
          // biome-ignore lint/style/noNonNullAssertion: need to fix
          this._store.iterator.bind(this._store)
        );
      }
    }
    if (this.opts.stats) {
      this.stats.enabled = this.opts.stats;
    }
    if (this.opts.ttl) {
      this._ttl = this.opts.ttl;
    }
    if (this.opts.useKeyPrefix !== void 0) {
      this._useKeyPrefix = this.opts.useKeyPrefix;
    }
    if (this.opts.throwOnErrors !== void 0) {
      this._throwOnErrors = this.opts.throwOnErrors;
    }
  }
  /**
   * Get the current store
   */
  // biome-ignore lint/suspicious/noExplicitAny: type format
  get store() {
    return this._store;
  }
  /**
   * Set the current store. This will also set the namespace, event error handler, and generate the iterator. If the store is not valid it will throw an error.
   * @param {KeyvStoreAdapter | Map<any, any> | any} store the store to set
   */
  // biome-ignore lint/suspicious/noExplicitAny: type format
  set store(store) {
    if (this._isValidStorageAdapter(store)) {
      this._store = store;
      this.opts.store = store;
      if (typeof store.on === "function") {
        store.on("error", (error) => this.emit("error", error));
      }
      if (this._namespace) {
        this._store.namespace = this._namespace;
      }
      if (typeof store[Symbol.iterator] === "function" && store instanceof Map) {
        this.iterator = this.generateIterator(
          store
        );
      } else if ("iterator" in store && store.opts && this._checkIterableAdapter()) {
        this.iterator = this.generateIterator(store.iterator?.bind(store));
      }
    } else {
      throw new Error("Invalid storage adapter");
    }
  }
  /**
   * Get the current compression function
   * @returns {CompressionAdapter} The current compression function
   */
  get compression() {
    return this._compression;
  }
  /**
   * Set the current compression function
   * @param {CompressionAdapter} compress The compression function to set
   */
  set compression(compress) {
    this._compression = compress;
  }
  /**
   * Get the current namespace.
   * @returns {string | undefined} The current namespace.
   */
  get namespace() {
    return this._namespace;
  }
  /**
   * Set the current namespace.
   * @param {string | undefined} namespace The namespace to set.
   */
  set namespace(namespace) {
    this._namespace = namespace;
    this.opts.namespace = namespace;
    this._store.namespace = namespace;
    if (this.opts.store) {
      this.opts.store.namespace = namespace;
    }
  }
  /**
   * Get the current TTL.
   * @returns {number} The current TTL in milliseconds.
   */
  get ttl() {
    return this._ttl;
  }
  /**
   * Set the current TTL.
   * @param {number} ttl The TTL to set in milliseconds.
   */
  set ttl(ttl) {
    this.opts.ttl = ttl;
    this._ttl = ttl;
  }
  /**
   * Get the current serialize function.
   * @returns {Serialize} The current serialize function.
   */
  get serialize() {
    return this._serialize;
  }
  /**
   * Set the current serialize function.
   * @param {Serialize} serialize The serialize function to set.
   */
  set serialize(serialize) {
    this.opts.serialize = serialize;
    this._serialize = serialize;
  }
  /**
   * Get the current deserialize function.
   * @returns {Deserialize} The current deserialize function.
   */
  get deserialize() {
    return this._deserialize;
  }
  /**
   * Set the current deserialize function.
   * @param {Deserialize} deserialize The deserialize function to set.
   */
  set deserialize(deserialize) {
    this.opts.deserialize = deserialize;
    this._deserialize = deserialize;
  }
  /**
   * Get the current useKeyPrefix value. This will enable or disable key prefixing.
   * @returns {boolean} The current useKeyPrefix value.
   * @default true
   */
  get useKeyPrefix() {
    return this._useKeyPrefix;
  }
  /**
   * Set the current useKeyPrefix value. This will enable or disable key prefixing.
   * @param {boolean} value The useKeyPrefix value to set.
   */
  set useKeyPrefix(value) {
    this._useKeyPrefix = value;
    this.opts.useKeyPrefix = value;
  }
  /**
   * Get the current throwErrors value. This will enable or disable throwing errors on methods in addition to emitting them.
   * @return {boolean} The current throwOnErrors value.
   */
  get throwOnErrors() {
    return this._throwOnErrors;
  }
  /**
   * Set the current throwOnErrors value. This will enable or disable throwing errors on methods in addition to emitting them.
   * @param {boolean} value The throwOnErrors value to set.
   */
  set throwOnErrors(value) {
    this._throwOnErrors = value;
    this.opts.throwOnErrors = value;
  }
  generateIterator(iterator) {
    const function_ = async function* () {
      for await (const [key, raw] of typeof iterator === "function" ? iterator(this._store.namespace) : iterator) {
        const data = await this.deserializeData(raw);
        if (this._useKeyPrefix && this._store.namespace && !key.includes(this._store.namespace)) {
          continue;
        }
        if (typeof data.expires === "number" && Date.now() > data.expires) {
          await this.delete(key);
          continue;
        }
        yield [this._getKeyUnprefix(key), data.value];
      }
    };
    return function_.bind(this);
  }
  _checkIterableAdapter() {
    return iterableAdapters.includes(this._store.opts.dialect) || iterableAdapters.some(
      (element) => this._store.opts.url.includes(element)
    );
  }
  _getKeyPrefix(key) {
    if (!this._useKeyPrefix) {
      return key;
    }
    if (!this._namespace) {
      return key;
    }
    if (key.startsWith(`${this._namespace}:`)) {
      return key;
    }
    return `${this._namespace}:${key}`;
  }
  _getKeyPrefixArray(keys) {
    if (!this._useKeyPrefix) {
      return keys;
    }
    if (!this._namespace) {
      return keys;
    }
    return keys.map((key) => `${this._namespace}:${key}`);
  }
  _getKeyUnprefix(key) {
    if (!this._useKeyPrefix) {
      return key;
    }
    return key.split(":").splice(1).join(":");
  }
  // biome-ignore lint/suspicious/noExplicitAny: type format
  _isValidStorageAdapter(store) {
    return store instanceof Map || typeof store.get === "function" && typeof store.set === "function" && typeof store.delete === "function" && typeof store.clear === "function";
  }
  // eslint-disable-next-line @stylistic/max-len
  async get(key, options) {
    const { store } = this.opts;
    const isArray = Array.isArray(key);
    const keyPrefixed = isArray ? this._getKeyPrefixArray(key) : this._getKeyPrefix(key);
    const isDataExpired = (data) => typeof data.expires === "number" && Date.now() > data.expires;
    if (isArray) {
      if (options?.raw === true) {
        return this.getMany(key, { raw: true });
      }
      return this.getMany(key, { raw: false });
    }
    this.hooks.trigger("preGet" /* PRE_GET */, { key: keyPrefixed });
    let rawData;
    try {
      rawData = await store.get(keyPrefixed);
    } catch (error) {
      if (this.throwOnErrors) {
        throw error;
      }
    }
    const deserializedData = typeof rawData === "string" || this.opts.compression ? await this.deserializeData(rawData) : rawData;
    if (deserializedData === void 0 || deserializedData === null) {
      this.hooks.trigger("postGet" /* POST_GET */, {
        key: keyPrefixed,
        value: void 0
      });
      this.stats.miss();
      return void 0;
    }
    if (isDataExpired(deserializedData)) {
      await this.delete(key);
      this.hooks.trigger("postGet" /* POST_GET */, {
        key: keyPrefixed,
        value: void 0
      });
      this.stats.miss();
      return void 0;
    }
    this.hooks.trigger("postGet" /* POST_GET */, {
      key: keyPrefixed,
      value: deserializedData
    });
    this.stats.hit();
    return options?.raw ? deserializedData : deserializedData.value;
  }
  async getMany(keys, options) {
    const { store } = this.opts;
    const keyPrefixed = this._getKeyPrefixArray(keys);
    const isDataExpired = (data) => typeof data.expires === "number" && Date.now() > data.expires;
    this.hooks.trigger("preGetMany" /* PRE_GET_MANY */, { keys: keyPrefixed });
    if (store.getMany === void 0) {
      const promises = keyPrefixed.map(async (key) => {
        const rawData2 = await store.get(key);
        const deserializedRow = typeof rawData2 === "string" || this.opts.compression ? await this.deserializeData(rawData2) : rawData2;
        if (deserializedRow === void 0 || deserializedRow === null) {
          return void 0;
        }
        if (isDataExpired(deserializedRow)) {
          await this.delete(key);
          return void 0;
        }
        return options?.raw ? deserializedRow : deserializedRow.value;
      });
      const deserializedRows = await Promise.allSettled(promises);
      const result2 = deserializedRows.map(
        // biome-ignore lint/suspicious/noExplicitAny: type format
        (row) => row.value
      );
      this.hooks.trigger("postGetMany" /* POST_GET_MANY */, result2);
      if (result2.length > 0) {
        this.stats.hit();
      }
      return result2;
    }
    const rawData = await store.getMany(keyPrefixed);
    const result = [];
    const expiredKeys = [];
    for (const index in rawData) {
      let row = rawData[index];
      if (typeof row === "string") {
        row = await this.deserializeData(row);
      }
      if (row === void 0 || row === null) {
        result.push(void 0);
        continue;
      }
      if (isDataExpired(row)) {
        expiredKeys.push(keys[index]);
        result.push(void 0);
        continue;
      }
      const value = options?.raw ? row : row.value;
      result.push(value);
    }
    if (expiredKeys.length > 0) {
      await this.deleteMany(expiredKeys);
    }
    this.hooks.trigger("postGetMany" /* POST_GET_MANY */, result);
    if (result.length > 0) {
      this.stats.hit();
    }
    return result;
  }
  /**
   * Get the raw value of a key. This is the replacement for setting raw to true in the get() method.
   * @param {string} key the key to get
   * @returns {Promise<StoredDataRaw<Value> | undefined>} will return a StoredDataRaw<Value> or undefined if the key does not exist or is expired.
   */
  async getRaw(key) {
    const { store } = this.opts;
    const keyPrefixed = this._getKeyPrefix(key);
    this.hooks.trigger("preGetRaw" /* PRE_GET_RAW */, { key: keyPrefixed });
    const rawData = await store.get(keyPrefixed);
    if (rawData === void 0 || rawData === null) {
      this.hooks.trigger("postGetRaw" /* POST_GET_RAW */, {
        key: keyPrefixed,
        value: void 0
      });
      this.stats.miss();
      return void 0;
    }
    const deserializedData = typeof rawData === "string" || this.opts.compression ? await this.deserializeData(rawData) : rawData;
    if (deserializedData !== void 0 && deserializedData.expires !== void 0 && deserializedData.expires !== null && // biome-ignore lint/style/noNonNullAssertion: need to fix
    deserializedData.expires < Date.now()) {
      this.hooks.trigger("postGetRaw" /* POST_GET_RAW */, {
        key: keyPrefixed,
        value: void 0
      });
      this.stats.miss();
      await this.delete(key);
      return void 0;
    }
    this.stats.hit();
    this.hooks.trigger("postGetRaw" /* POST_GET_RAW */, {
      key: keyPrefixed,
      value: deserializedData
    });
    return deserializedData;
  }
  /**
   * Get the raw values of many keys. This is the replacement for setting raw to true in the getMany() method.
   * @param {string[]} keys the keys to get
   * @returns {Promise<Array<StoredDataRaw<Value>>>} will return an array of StoredDataRaw<Value> or undefined if the key does not exist or is expired.
   */
  async getManyRaw(keys) {
    const { store } = this.opts;
    const keyPrefixed = this._getKeyPrefixArray(keys);
    if (keys.length === 0) {
      const result2 = Array.from({ length: keys.length }).fill(
        void 0
      );
      this.stats.misses += keys.length;
      this.hooks.trigger("postGetManyRaw" /* POST_GET_MANY_RAW */, {
        keys: keyPrefixed,
        values: result2
      });
      return result2;
    }
    let result = [];
    if (store.getMany === void 0) {
      const promises = keyPrefixed.map(async (key) => {
        const rawData = await store.get(key);
        if (rawData !== void 0 && rawData !== null) {
          return this.deserializeData(rawData);
        }
        return void 0;
      });
      const deserializedRows = await Promise.allSettled(promises);
      result = deserializedRows.map(
        // biome-ignore lint/suspicious/noExplicitAny: type format
        (row) => row.value
      );
    } else {
      const rawData = await store.getMany(keyPrefixed);
      for (const row of rawData) {
        if (row !== void 0 && row !== null) {
          result.push(await this.deserializeData(row));
        } else {
          result.push(void 0);
        }
      }
    }
    const expiredKeys = [];
    const isDataExpired = (data) => typeof data.expires === "number" && Date.now() > data.expires;
    for (const [index, row] of result.entries()) {
      if (row !== void 0 && isDataExpired(row)) {
        expiredKeys.push(keyPrefixed[index]);
        result[index] = void 0;
      }
    }
    if (expiredKeys.length > 0) {
      await this.deleteMany(expiredKeys);
    }
    this.stats.hitsOrMisses(result);
    this.hooks.trigger("postGetManyRaw" /* POST_GET_MANY_RAW */, {
      keys: keyPrefixed,
      values: result
    });
    return result;
  }
  /**
   * Set an item to the store
   * @param {string | Array<KeyvEntry>} key the key to use. If you pass in an array of KeyvEntry it will set many items
   * @param {Value} value the value of the key
   * @param {number} [ttl] time to live in milliseconds
   * @returns {boolean} if it sets then it will return a true. On failure will return false.
   */
  async set(key, value, ttl) {
    const data = { key, value, ttl };
    this.hooks.trigger("preSet" /* PRE_SET */, data);
    const keyPrefixed = this._getKeyPrefix(data.key);
    data.ttl ??= this._ttl;
    if (data.ttl === 0) {
      data.ttl = void 0;
    }
    const { store } = this.opts;
    const expires = typeof data.ttl === "number" ? Date.now() + data.ttl : void 0;
    if (typeof data.value === "symbol") {
      this.emit("error", "symbol cannot be serialized");
      throw new Error("symbol cannot be serialized");
    }
    const formattedValue = { value: data.value, expires };
    const serializedValue = await this.serializeData(formattedValue);
    let result = true;
    try {
      const value2 = await store.set(keyPrefixed, serializedValue, data.ttl);
      if (typeof value2 === "boolean") {
        result = value2;
      }
    } catch (error) {
      result = false;
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
    }
    this.hooks.trigger("postSet" /* POST_SET */, {
      key: keyPrefixed,
      value: serializedValue,
      ttl
    });
    this.stats.set();
    return result;
  }
  /**
   * Set many items to the store
   * @param {Array<KeyvEntry>} entries the entries to set
   * @returns {boolean[]} will return an array of booleans if it sets then it will return a true. On failure will return false.
   */
  // biome-ignore lint/correctness/noUnusedVariables: type format
  async setMany(entries) {
    let results = [];
    try {
      if (this._store.setMany === void 0) {
        const promises = [];
        for (const entry of entries) {
          promises.push(this.set(entry.key, entry.value, entry.ttl));
        }
        const promiseResults = await Promise.all(promises);
        results = promiseResults;
      } else {
        const serializedEntries = await Promise.all(
          entries.map(async ({ key, value, ttl }) => {
            ttl ??= this._ttl;
            if (ttl === 0) {
              ttl = void 0;
            }
            const expires = typeof ttl === "number" ? Date.now() + ttl : void 0;
            if (typeof value === "symbol") {
              this.emit("error", "symbol cannot be serialized");
              throw new Error("symbol cannot be serialized");
            }
            const formattedValue = { value, expires };
            const serializedValue = await this.serializeData(formattedValue);
            const keyPrefixed = this._getKeyPrefix(key);
            return { key: keyPrefixed, value: serializedValue, ttl };
          })
        );
        results = await this._store.setMany(serializedEntries);
      }
    } catch (error) {
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
      results = entries.map(() => false);
    }
    return results;
  }
  /**
   * Delete an Entry
   * @param {string | string[]} key the key to be deleted. if an array it will delete many items
   * @returns {boolean} will return true if item or items are deleted. false if there is an error
   */
  async delete(key) {
    const { store } = this.opts;
    if (Array.isArray(key)) {
      return this.deleteMany(key);
    }
    const keyPrefixed = this._getKeyPrefix(key);
    this.hooks.trigger("preDelete" /* PRE_DELETE */, { key: keyPrefixed });
    let result = true;
    try {
      const value = await store.delete(keyPrefixed);
      if (typeof value === "boolean") {
        result = value;
      }
    } catch (error) {
      result = false;
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
    }
    this.hooks.trigger("postDelete" /* POST_DELETE */, {
      key: keyPrefixed,
      value: result
    });
    this.stats.delete();
    return result;
  }
  /**
   * Delete many items from the store
   * @param {string[]} keys the keys to be deleted
   * @returns {boolean} will return true if item or items are deleted. false if there is an error
   */
  async deleteMany(keys) {
    try {
      const { store } = this.opts;
      const keyPrefixed = this._getKeyPrefixArray(keys);
      this.hooks.trigger("preDelete" /* PRE_DELETE */, { key: keyPrefixed });
      if (store.deleteMany !== void 0) {
        return await store.deleteMany(keyPrefixed);
      }
      const promises = keyPrefixed.map(async (key) => store.delete(key));
      const results = await Promise.all(promises);
      const returnResult = results.every(Boolean);
      this.hooks.trigger("postDelete" /* POST_DELETE */, {
        key: keyPrefixed,
        value: returnResult
      });
      return returnResult;
    } catch (error) {
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
      return false;
    }
  }
  /**
   * Clear the store
   * @returns {void}
   */
  async clear() {
    this.emit("clear");
    const { store } = this.opts;
    try {
      await store.clear();
    } catch (error) {
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
    }
  }
  async has(key) {
    if (Array.isArray(key)) {
      return this.hasMany(key);
    }
    const keyPrefixed = this._getKeyPrefix(key);
    const { store } = this.opts;
    if (store.has !== void 0 && !(store instanceof Map)) {
      return store.has(keyPrefixed);
    }
    let rawData;
    try {
      rawData = await store.get(keyPrefixed);
    } catch (error) {
      this.emit("error", error);
      if (this._throwOnErrors) {
        throw error;
      }
      return false;
    }
    if (rawData) {
      const data = await this.deserializeData(rawData);
      if (data) {
        if (data.expires === void 0 || data.expires === null) {
          return true;
        }
        return data.expires > Date.now();
      }
    }
    return false;
  }
  /**
   * Check if many keys exist
   * @param {string[]} keys the keys to check
   * @returns {boolean[]} will return an array of booleans if the keys exist
   */
  async hasMany(keys) {
    const keyPrefixed = this._getKeyPrefixArray(keys);
    const { store } = this.opts;
    if (store.hasMany !== void 0) {
      return store.hasMany(keyPrefixed);
    }
    const results = [];
    for (const key of keys) {
      results.push(await this.has(key));
    }
    return results;
  }
  /**
   * Will disconnect the store. This is only available if the store has a disconnect method
   * @returns {Promise<void>}
   */
  async disconnect() {
    const { store } = this.opts;
    this.emit("disconnect");
    if (typeof store.disconnect === "function") {
      return store.disconnect();
    }
  }
  // biome-ignore lint/suspicious/noExplicitAny: type format
  emit(event, ...arguments_) {
    if (event === "error" && !this.opts.emitErrors) {
      return;
    }
    super.emit(event, ...arguments_);
  }
  async serializeData(data) {
    if (!this._serialize) {
      return data;
    }
    if (this._compression?.compress) {
      return this._serialize({
        value: await this._compression.compress(data.value),
        expires: data.expires
      });
    }
    return this._serialize(data);
  }
  async deserializeData(data) {
    if (!this._deserialize) {
      return data;
    }
    if (this._compression?.decompress && typeof data === "string") {
      const result = await this._deserialize(data);
      return {
        value: await this._compression.decompress(result?.value),
        expires: result?.expires
      };
    }
    if (typeof data === "string") {
      return this._deserialize(data);
    }
    return void 0;
  }
};
var index_default = (/* unused pure expression or super */ null && (Keyv));

/* v8 ignore next -- @preserve */

;// CONCATENATED MODULE: ./node_modules/mimic-response/index.js
// We define these manually to ensure they're always copied
// even if they would move up the prototype chain
// https://nodejs.org/api/http.html#http_class_http_incomingmessage
const knownProperties = [
	'aborted',
	'complete',
	'headers',
	'httpVersion',
	'httpVersionMinor',
	'httpVersionMajor',
	'method',
	'rawHeaders',
	'rawTrailers',
	'setTimeout',
	'socket',
	'statusCode',
	'statusMessage',
	'trailers',
	'url',
];

function mimicResponse(fromStream, toStream) {
	if (toStream._readableState.autoDestroy) {
		throw new Error('The second stream must have the `autoDestroy` option set to `false`');
	}

	const fromProperties = new Set([...Object.keys(fromStream), ...knownProperties]);

	const properties = {};

	for (const property of fromProperties) {
		// Don't overwrite existing properties.
		if (property in toStream) {
			continue;
		}

		properties[property] = {
			get() {
				const value = fromStream[property];
				const isFunction = typeof value === 'function';

				return isFunction ? value.bind(fromStream) : value;
			},
			set(value) {
				fromStream[property] = value;
			},
			enumerable: true,
			configurable: false,
		};
	}

	Object.defineProperties(toStream, properties);

	fromStream.once('aborted', () => {
		toStream.destroy();

		toStream.emit('aborted');
	});

	fromStream.once('close', () => {
		if (fromStream.complete) {
			if (toStream.readable) {
				toStream.once('end', () => {
					toStream.emit('close');
				});
			} else {
				toStream.emit('close');
			}
		} else {
			toStream.emit('close');
		}
	});

	return toStream;
}

;// CONCATENATED MODULE: ./node_modules/normalize-url/index.js
// https://developer.mozilla.org/en-US/docs/Web/HTTP/Basics_of_HTTP/Data_URIs
const DATA_URL_DEFAULT_MIME_TYPE = 'text/plain';
const DATA_URL_DEFAULT_CHARSET = 'us-ascii';

const testParameter = (name, filters) => filters.some(filter => filter instanceof RegExp ? filter.test(name) : filter === name);

const supportedProtocols = new Set([
	'https:',
	'http:',
	'file:',
]);

const hasCustomProtocol = urlString => {
	try {
		const {protocol} = new URL(urlString);

		return protocol.endsWith(':')
			&& !protocol.includes('.')
			&& !supportedProtocols.has(protocol);
	} catch {
		return false;
	}
};

const normalizeDataURL = (urlString, {stripHash}) => {
	const match = /^data:(?<type>[^,]*?),(?<data>[^#]*?)(?:#(?<hash>.*))?$/.exec(urlString);

	if (!match) {
		throw new Error(`Invalid URL: ${urlString}`);
	}

	const {type, data, hash} = match.groups;
	const mediaType = type.split(';');

	const isBase64 = mediaType.at(-1) === 'base64';
	if (isBase64) {
		mediaType.pop();
	}

	// Lowercase MIME type
	const mimeType = mediaType.shift()?.toLowerCase() ?? '';
	const attributes = mediaType
		.map(attribute => {
			let [key, value = ''] = attribute.split('=').map(string => string.trim());

			// Lowercase `charset`
			if (key === 'charset') {
				value = value.toLowerCase();

				if (value === DATA_URL_DEFAULT_CHARSET) {
					return '';
				}
			}

			return `${key}${value ? `=${value}` : ''}`;
		})
		.filter(Boolean);

	const normalizedMediaType = [...attributes];

	if (isBase64) {
		normalizedMediaType.push('base64');
	}

	if (normalizedMediaType.length > 0 || (mimeType && mimeType !== DATA_URL_DEFAULT_MIME_TYPE)) {
		normalizedMediaType.unshift(mimeType);
	}

	const hashPart = stripHash || !hash ? '' : `#${hash}`;
	return `data:${normalizedMediaType.join(';')},${isBase64 ? data.trim() : data}${hashPart}`;
};

function normalizeUrl(urlString, options) {
	options = {
		defaultProtocol: 'http',
		normalizeProtocol: true,
		forceHttp: false,
		forceHttps: false,
		stripAuthentication: true,
		stripHash: false,
		stripTextFragment: true,
		stripWWW: true,
		removeQueryParameters: [/^utm_\w+/i],
		removeTrailingSlash: true,
		removeSingleSlash: true,
		removeDirectoryIndex: false,
		removeExplicitPort: false,
		sortQueryParameters: true,
		removePath: false,
		transformPath: false,
		...options,
	};

	// Legacy: Append `:` to the protocol if missing.
	if (typeof options.defaultProtocol === 'string' && !options.defaultProtocol.endsWith(':')) {
		options.defaultProtocol = `${options.defaultProtocol}:`;
	}

	urlString = urlString.trim();

	// Data URL
	if (/^data:/i.test(urlString)) {
		return normalizeDataURL(urlString, options);
	}

	if (hasCustomProtocol(urlString)) {
		return urlString;
	}

	const hasRelativeProtocol = urlString.startsWith('//');
	const isRelativeUrl = !hasRelativeProtocol && /^\.*\//.test(urlString);

	// Prepend protocol
	if (!isRelativeUrl) {
		urlString = urlString.replace(/^(?!(?:\w+:)?\/\/)|^\/\//, options.defaultProtocol);
	}

	const urlObject = new URL(urlString);

	if (options.forceHttp && options.forceHttps) {
		throw new Error('The `forceHttp` and `forceHttps` options cannot be used together');
	}

	if (options.forceHttp && urlObject.protocol === 'https:') {
		urlObject.protocol = 'http:';
	}

	if (options.forceHttps && urlObject.protocol === 'http:') {
		urlObject.protocol = 'https:';
	}

	// Remove auth
	if (options.stripAuthentication) {
		urlObject.username = '';
		urlObject.password = '';
	}

	// Remove hash
	if (options.stripHash) {
		urlObject.hash = '';
	} else if (options.stripTextFragment) {
		urlObject.hash = urlObject.hash.replace(/#?:~:text.*?$/i, '');
	}

	// Remove duplicate slashes if not preceded by a protocol
	// NOTE: This could be implemented using a single negative lookbehind
	// regex, but we avoid that to maintain compatibility with older js engines
	// which do not have support for that feature.
	if (urlObject.pathname) {
		// TODO: Replace everything below with `urlObject.pathname = urlObject.pathname.replace(/(?<!\b[a-z][a-z\d+\-.]{1,50}:)\/{2,}/g, '/');` when Safari supports negative lookbehind.

		// Split the string by occurrences of this protocol regex, and perform
		// duplicate-slash replacement on the strings between those occurrences
		// (if any).
		const protocolRegex = /\b[a-z][a-z\d+\-.]{1,50}:\/\//g;

		let lastIndex = 0;
		let result = '';
		for (;;) {
			const match = protocolRegex.exec(urlObject.pathname);
			if (!match) {
				break;
			}

			const protocol = match[0];
			const protocolAtIndex = match.index;
			const intermediate = urlObject.pathname.slice(lastIndex, protocolAtIndex);

			result += intermediate.replace(/\/{2,}/g, '/');
			result += protocol;
			lastIndex = protocolAtIndex + protocol.length;
		}

		const remnant = urlObject.pathname.slice(lastIndex, urlObject.pathname.length);
		result += remnant.replace(/\/{2,}/g, '/');

		urlObject.pathname = result;
	}

	// Decode URI octets
	if (urlObject.pathname) {
		try {
			urlObject.pathname = decodeURI(urlObject.pathname).replace(/\\/g, '%5C');
		} catch {}
	}

	// Remove directory index
	if (options.removeDirectoryIndex === true) {
		options.removeDirectoryIndex = [/^index\.[a-z]+$/];
	}

	if (Array.isArray(options.removeDirectoryIndex) && options.removeDirectoryIndex.length > 0) {
		const pathComponents = urlObject.pathname.split('/').filter(Boolean);
		const lastComponent = pathComponents.at(-1);

		if (lastComponent && testParameter(lastComponent, options.removeDirectoryIndex)) {
			pathComponents.pop();
			urlObject.pathname = pathComponents.length > 0 ? `/${pathComponents.join('/')}/` : '/';
		}
	}

	// Remove path
	if (options.removePath) {
		urlObject.pathname = '/';
	}

	// Transform path components
	if (options.transformPath && typeof options.transformPath === 'function') {
		const pathComponents = urlObject.pathname.split('/').filter(Boolean);
		const newComponents = options.transformPath(pathComponents);
		urlObject.pathname = newComponents?.length > 0 ? `/${newComponents.join('/')}` : '/';
	}

	if (urlObject.hostname) {
		// Remove trailing dot
		urlObject.hostname = urlObject.hostname.replace(/\.$/, '');

		// Remove `www.`
		if (options.stripWWW && /^www\.(?!www\.)[a-z\-\d]{1,63}\.[a-z.\-\d]{2,63}$/.test(urlObject.hostname)) {
			// Each label should be max 63 at length (min: 1).
			// Source: https://en.wikipedia.org/wiki/Hostname#Restrictions_on_valid_host_names
			// Each TLD should be up to 63 characters long (min: 2).
			// It is technically possible to have a single character TLD, but none currently exist.
			urlObject.hostname = urlObject.hostname.replace(/^www\./, '');
		}
	}

	// Remove query unwanted parameters
	if (Array.isArray(options.removeQueryParameters)) {
		// eslint-disable-next-line unicorn/no-useless-spread -- We are intentionally spreading to get a copy.
		for (const key of [...urlObject.searchParams.keys()]) {
			if (testParameter(key, options.removeQueryParameters)) {
				urlObject.searchParams.delete(key);
			}
		}
	}

	if (!Array.isArray(options.keepQueryParameters) && options.removeQueryParameters === true) {
		urlObject.search = '';
	}

	// Keep wanted query parameters
	if (Array.isArray(options.keepQueryParameters) && options.keepQueryParameters.length > 0) {
		// eslint-disable-next-line unicorn/no-useless-spread -- We are intentionally spreading to get a copy.
		for (const key of [...urlObject.searchParams.keys()]) {
			if (!testParameter(key, options.keepQueryParameters)) {
				urlObject.searchParams.delete(key);
			}
		}
	}

	// Sort query parameters
	if (options.sortQueryParameters) {
		const originalSearch = urlObject.search;
		urlObject.searchParams.sort();

		// Calling `.sort()` encodes the search parameters, so we need to decode them again.
		try {
			urlObject.search = decodeURIComponent(urlObject.search);
		} catch {}

		// Fix parameters that originally had no equals sign but got one added by URLSearchParams
		const partsWithoutEquals = originalSearch.slice(1).split('&').filter(p => p && !p.includes('='));
		for (const part of partsWithoutEquals) {
			const decoded = decodeURIComponent(part);
			// Only replace at word boundaries to avoid partial matches
			urlObject.search = urlObject.search.replace(`?${decoded}=`, `?${decoded}`).replace(`&${decoded}=`, `&${decoded}`);
		}
	}

	if (options.removeTrailingSlash) {
		urlObject.pathname = urlObject.pathname.replace(/\/$/, '');
	}

	// Remove an explicit port number, excluding a default port number, if applicable
	if (options.removeExplicitPort && urlObject.port) {
		urlObject.port = '';
	}

	const oldUrlString = urlString;

	// Take advantage of many of the Node `url` normalizations
	urlString = urlObject.toString();

	if (!options.removeSingleSlash && urlObject.pathname === '/' && !oldUrlString.endsWith('/') && urlObject.hash === '') {
		urlString = urlString.replace(/\/$/, '');
	}

	// Remove ending `/` unless removeSingleSlash is false
	if ((options.removeTrailingSlash || urlObject.pathname === '/') && urlObject.hash === '' && options.removeSingleSlash) {
		urlString = urlString.replace(/\/$/, '');
	}

	// Restore relative protocol, if applicable
	if (hasRelativeProtocol && !options.normalizeProtocol) {
		urlString = urlString.replace(/^http:\/\//, '//');
	}

	// Remove http/https
	if (options.stripProtocol) {
		urlString = urlString.replace(/^(?:https?:)?\/\//, '');
	}

	return urlString;
}

;// CONCATENATED MODULE: ./node_modules/lowercase-keys/index.js
function lowercaseKeys(object) {
	return Object.fromEntries(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]));
}

;// CONCATENATED MODULE: ./node_modules/responselike/index.js



class Response extends external_node_stream_namespaceObject.Readable {
	statusCode;
	headers;
	body;
	url;
	complete;

	constructor({statusCode, headers, body, url}) {
		if (typeof statusCode !== 'number') {
			throw new TypeError('Argument `statusCode` should be a number');
		}

		if (typeof headers !== 'object') {
			throw new TypeError('Argument `headers` should be an object');
		}

		if (!(body instanceof Uint8Array)) {
			throw new TypeError('Argument `body` should be a buffer');
		}

		if (typeof url !== 'string') {
			throw new TypeError('Argument `url` should be a string');
		}

		let bodyPushed = false;
		super({
			read() {
				// Push body on first read, end stream on second read.
				// This allows listeners to attach before data flows through pipes.
				if (!bodyPushed) {
					bodyPushed = true;
					this.push(body);
					return;
				}

				this.push(null);
			},
		});

		this.statusCode = statusCode;
		this.headers = lowercaseKeys(headers);
		this.body = body;
		this.url = url;
		this.complete = true;
	}
}

;// CONCATENATED MODULE: ./node_modules/cacheable-request/dist/types.js
// Type definitions for cacheable-request 6.0
// Project: https://github.com/lukechilds/cacheable-request#readme
// Definitions by: BendingBender <https://github.com/BendingBender>
//                 Paul Melnikow <https://github.com/paulmelnikow>
// Definitions: https://github.com/DefinitelyTyped/DefinitelyTyped
// TypeScript Version: 2.3
class types_RequestError extends Error {
    constructor(error) {
        super(error.message);
        Object.defineProperties(this, Object.getOwnPropertyDescriptors(error));
    }
}
class types_CacheError extends Error {
    constructor(error) {
        super(error.message);
        Object.defineProperties(this, Object.getOwnPropertyDescriptors(error));
    }
}
//# sourceMappingURL=types.js.map
;// CONCATENATED MODULE: ./node_modules/cacheable-request/dist/index.js
// biome-ignore-all lint/suspicious/noImplicitAnyLet: legacy format
// biome-ignore-all lint/suspicious/noExplicitAny: legacy format











class CacheableRequest {
    constructor(cacheRequest, cacheAdapter) {
        this.cache = new Keyv({ namespace: "cacheable-request" });
        this.hooks = new Map();
        this.request = () => (options, callback) => {
            let url;
            if (typeof options === "string") {
                url = normalizeUrlObject(parseWithWhatwg(options));
                options = {};
            }
            else if (options instanceof external_node_url_namespaceObject.URL) {
                url = normalizeUrlObject(parseWithWhatwg(options.toString()));
                options = {};
            }
            else {
                const [pathname, ...searchParts] = (options.path ?? "").split("?");
                const search = searchParts.length > 0 ? `?${searchParts.join("?")}` : "";
                url = normalizeUrlObject({ ...options, pathname, search });
            }
            options = {
                headers: {},
                method: "GET",
                cache: true,
                strictTtl: false,
                automaticFailover: false,
                ...options,
                ...urlObjectToRequestOptions(url),
            };
            options.headers = Object.fromEntries(entries(options.headers).map(([key, value]) => [
                key.toLowerCase(),
                value,
            ]));
            const ee = new external_node_events_namespaceObject();
            const normalizedUrlString = normalizeUrl(external_node_url_namespaceObject.format(url), {
                stripWWW: false,
                removeTrailingSlash: false,
                stripAuthentication: false,
            });
            let key = `${options.method}:${normalizedUrlString}`;
            // POST, PATCH, and PUT requests may be cached, depending on the response
            // cache-control headers. As a result, the body of the request should be
            // added to the cache key in order to avoid collisions.
            if (options.body &&
                options.method !== undefined &&
                ["POST", "PATCH", "PUT"].includes(options.method)) {
                if (options.body instanceof external_node_stream_namespaceObject.Readable) {
                    // Streamed bodies should completely skip the cache because they may
                    // or may not be hashable and in either case the stream would need to
                    // close before the cache key could be generated.
                    options.cache = false;
                }
                else {
                    key += `:${external_node_crypto_namespaceObject.createHash("md5").update(options.body).digest("hex")}`;
                }
            }
            let revalidate = false;
            let madeRequest = false;
            const makeRequest = (options_) => {
                madeRequest = true;
                let requestErrored = false;
                /* c8 ignore next 4 */
                let requestErrorCallback = () => {
                    /* do nothing */
                };
                const requestErrorPromise = new Promise((resolve) => {
                    requestErrorCallback = () => {
                        if (!requestErrored) {
                            requestErrored = true;
                            resolve();
                        }
                    };
                });
                const handler = async (response) => {
                    if (revalidate) {
                        response.status = response.statusCode;
                        const originalPolicy = http_cache_semantics.fromObject(revalidate.cachePolicy);
                        const revalidatedPolicy = originalPolicy.revalidatedPolicy(options_, response);
                        if (!revalidatedPolicy.modified) {
                            response.resume();
                            await new Promise((resolve) => {
                                // Skipping 'error' handler cause 'error' event should't be emitted for 304 response
                                response.once("end", resolve);
                            });
                            // Get headers from revalidated policy
                            const headers = convertHeaders(revalidatedPolicy.policy.responseHeaders());
                            // Preserve headers from the original cached response that may have been
                            // lost during revalidation (e.g., content-encoding, content-type, etc.)
                            // This works around a limitation in http-cache-semantics where some headers
                            // are not preserved when a 304 response has minimal headers
                            const originalHeaders = convertHeaders(originalPolicy.responseHeaders());
                            // Headers that should be preserved from the cached response
                            // according to RFC 7232 section 4.1
                            const preserveHeaders = [
                                "content-encoding",
                                "content-type",
                                "content-length",
                                "content-language",
                                "content-location",
                                "etag",
                            ];
                            for (const headerName of preserveHeaders) {
                                if (originalHeaders[headerName] !== undefined &&
                                    headers[headerName] === undefined) {
                                    headers[headerName] = originalHeaders[headerName];
                                }
                            }
                            response = new Response({
                                statusCode: revalidate.statusCode,
                                headers,
                                body: revalidate.body,
                                url: revalidate.url,
                            });
                            response.cachePolicy = revalidatedPolicy.policy;
                            response.fromCache = true;
                        }
                    }
                    if (!response.fromCache) {
                        response.cachePolicy = new http_cache_semantics(options_, response, options_);
                        response.fromCache = false;
                    }
                    let clonedResponse;
                    if (options_.cache && response.cachePolicy.storable()) {
                        clonedResponse = cloneResponse(response);
                        (async () => {
                            try {
                                const bodyPromise = getStreamAsBuffer(response);
                                await Promise.race([
                                    requestErrorPromise,
                                    new Promise((resolve) => response.once("end", resolve)),
                                    new Promise((resolve) => response.once("close", resolve)),
                                ]);
                                const body = await bodyPromise;
                                let value = {
                                    url: response.url,
                                    statusCode: response.fromCache
                                        ? revalidate.statusCode
                                        : response.statusCode,
                                    body,
                                    cachePolicy: response.cachePolicy.toObject(),
                                };
                                let ttl = options_.strictTtl
                                    ? response.cachePolicy.timeToLive()
                                    : undefined;
                                if (options_.maxTtl) {
                                    ttl = ttl ? Math.min(ttl, options_.maxTtl) : options_.maxTtl;
                                }
                                if (this.hooks.size > 0) {
                                    for (const key_ of this.hooks.keys()) {
                                        value = await this.runHook(key_, value, response);
                                    }
                                }
                                await this.cache.set(key, value, ttl);
                                /* c8 ignore next -- @preserve */
                            }
                            catch (error) {
                                /* c8 ignore next -- @preserve */
                                ee.emit("error", new types_CacheError(error));
                                /* c8 ignore next -- @preserve */
                            }
                        })();
                    }
                    else if (options_.cache && revalidate) {
                        (async () => {
                            try {
                                await this.cache.delete(key);
                                /* c8 ignore next -- @preserve */
                            }
                            catch (error) {
                                /* c8 ignore next -- @preserve */
                                ee.emit("error", new types_CacheError(error));
                                /* c8 ignore next -- @preserve */
                            }
                        })();
                    }
                    ee.emit("response", clonedResponse ?? response);
                    if (typeof callback === "function") {
                        callback(clonedResponse ?? response);
                    }
                };
                try {
                    const request_ = this.cacheRequest(options_, handler);
                    request_.once("error", requestErrorCallback);
                    request_.once("abort", requestErrorCallback);
                    request_.once("destroy", requestErrorCallback);
                    ee.emit("request", request_);
                }
                catch (error) {
                    ee.emit("error", new types_RequestError(error));
                }
            };
            (async () => {
                const get = async (options_) => {
                    await Promise.resolve();
                    const cacheEntry = options_.cache
                        ? await this.cache.get(key)
                        : undefined;
                    if (cacheEntry === undefined && !options_.forceRefresh) {
                        makeRequest(options_);
                        return;
                    }
                    const policy = http_cache_semantics.fromObject(cacheEntry.cachePolicy);
                    if (policy.satisfiesWithoutRevalidation(options_) &&
                        !options_.forceRefresh) {
                        const headers = convertHeaders(policy.responseHeaders());
                        const bodyBuffer = cacheEntry.body;
                        const body = Buffer.from(bodyBuffer);
                        const response = new Response({
                            statusCode: cacheEntry.statusCode,
                            headers,
                            body,
                            url: cacheEntry.url,
                        });
                        response.cachePolicy = policy;
                        response.fromCache = true;
                        ee.emit("response", response);
                        if (typeof callback === "function") {
                            callback(response);
                        }
                    }
                    else if (policy.satisfiesWithoutRevalidation(options_) &&
                        Date.now() >= policy.timeToLive() &&
                        options_.forceRefresh) {
                        await this.cache.delete(key);
                        options_.headers = policy.revalidationHeaders(options_);
                        makeRequest(options_);
                    }
                    else {
                        revalidate = cacheEntry;
                        options_.headers = policy.revalidationHeaders(options_);
                        makeRequest(options_);
                    }
                };
                const errorHandler = (error) => ee.emit("error", new types_CacheError(error));
                if (this.cache instanceof Keyv) {
                    const cachek = this.cache;
                    cachek.once("error", errorHandler);
                    ee.on("error", () => {
                        cachek.removeListener("error", errorHandler);
                    });
                    ee.on("response", () => {
                        cachek.removeListener("error", errorHandler);
                    });
                }
                try {
                    await get(options);
                }
                catch (error) {
                    /* v8 ignore next -- @preserve */
                    if (options.automaticFailover && !madeRequest) {
                        makeRequest(options);
                    }
                    ee.emit("error", new types_CacheError(error));
                }
            })();
            return ee;
        };
        this.addHook = (name, function_) => {
            if (!this.hooks.has(name)) {
                this.hooks.set(name, function_);
            }
        };
        this.removeHook = (name) => this.hooks.delete(name);
        this.getHook = (name) => this.hooks.get(name);
        this.runHook = async (name, ...arguments_) => this.hooks.get(name)?.(...arguments_);
        if (cacheAdapter) {
            if (cacheAdapter instanceof Keyv) {
                this.cache = cacheAdapter;
            }
            else {
                this.cache = new Keyv({
                    store: cacheAdapter,
                    namespace: "cacheable-request",
                });
            }
        }
        this.request = this.request.bind(this);
        this.cacheRequest = cacheRequest;
    }
}
const entries = Object.entries;
const cloneResponse = (response) => {
    const clone = new external_node_stream_namespaceObject.PassThrough({ autoDestroy: false });
    mimicResponse(response, clone);
    return response.pipe(clone);
};
const urlObjectToRequestOptions = (url) => {
    const options = { ...url };
    options.path = `${url.pathname || "/"}${url.search || ""}`;
    delete options.pathname;
    delete options.search;
    return options;
};
const normalizeUrlObject = (url) => 
// If url was parsed by url.parse or new URL:
// - hostname will be set
// - host will be hostname[:port]
// - port will be set if it was explicit in the parsed string
// Otherwise, url was from request options:
// - hostname or host may be set
// - host shall not have port encoded
({
    protocol: url.protocol,
    auth: url.auth,
    hostname: url.hostname || url.host || "localhost",
    port: url.port,
    pathname: url.pathname,
    search: url.search,
});
const convertHeaders = (headers) => {
    const result = [];
    for (const name of Object.keys(headers)) {
        result[name.toLowerCase()] = headers[name];
    }
    return result;
};
const parseWithWhatwg = (raw) => {
    const u = new external_node_url_namespaceObject.URL(raw);
    // If normalizeUrlObject expects the same fields as url.parse()
    return {
        protocol: u.protocol, // E.g. 'https:'
        slashes: true, // Always true for WHATWG URLs
        /* c8 ignore next 3 */
        auth: u.username || u.password ? `${u.username}:${u.password}` : undefined,
        host: u.host, // E.g. 'example.com:8080'
        port: u.port, // E.g. '8080'
        hostname: u.hostname, // E.g. 'example.com'
        hash: u.hash, // E.g. '#quux'
        search: u.search, // E.g. '?bar=baz'
        query: Object.fromEntries(u.searchParams), // { bar: 'baz' }
        pathname: u.pathname, // E.g. '/foo'
        path: u.pathname + u.search, // '/foo?bar=baz'
        href: u.href, // Full serialized URL
    };
};
/* harmony default export */ const dist = (CacheableRequest);

const onResponse = "onResponse";
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./node_modules/decompress-response/index.js




// Detect zstd support (available in Node.js >= 22.15.0)
const supportsZstd = typeof external_node_zlib_namespaceObject.createZstdDecompress === 'function';

function decompressResponse(response) {
	const contentEncoding = (response.headers['content-encoding'] || '').toLowerCase();
	const supportedEncodings = ['gzip', 'deflate', 'br'];
	if (supportsZstd) {
		supportedEncodings.push('zstd');
	}

	if (!supportedEncodings.includes(contentEncoding)) {
		return response;
	}

	let isEmpty = true;

	// Clone headers to avoid modifying the original response headers
	const headers = {...response.headers};

	const finalStream = new external_node_stream_namespaceObject.PassThrough({
		autoDestroy: false,
	});

	// Only destroy response on error, not on normal completion
	finalStream.once('error', () => {
		response.destroy();
	});

	function handleContentEncoding(data) {
		let decompressStream;

		if (contentEncoding === 'zstd') {
			decompressStream = external_node_zlib_namespaceObject.createZstdDecompress();
		} else if (contentEncoding === 'br') {
			decompressStream = external_node_zlib_namespaceObject.createBrotliDecompress();
		} else if (contentEncoding === 'deflate' && data.length > 0 && (data[0] & 0x08) === 0) { // eslint-disable-line no-bitwise
			decompressStream = external_node_zlib_namespaceObject.createInflateRaw();
		} else {
			decompressStream = external_node_zlib_namespaceObject.createUnzip();
		}

		decompressStream.once('error', error => {
			if (isEmpty && !response.readable) {
				finalStream.end();
				return;
			}

			finalStream.destroy(error);
		});

		checker.pipe(decompressStream).pipe(finalStream);
	}

	const checker = new external_node_stream_namespaceObject.Transform({
		transform(data, _encoding, callback) {
			if (isEmpty === false) {
				callback(null, data);
				return;
			}

			isEmpty = false;

			handleContentEncoding(data);

			callback(null, data);
		},

		flush(callback) {
			if (isEmpty) {
				finalStream.end();
			}

			callback();
		},
	});

	delete headers['content-encoding'];
	delete headers['content-length'];
	finalStream.headers = headers;

	mimicResponse(response, finalStream);

	response.pipe(checker);

	return finalStream;
}

;// CONCATENATED MODULE: ./node_modules/form-data-encoder/lib/index.js
var __typeError = (msg) => {
  throw TypeError(msg);
};
var __accessCheck = (obj, member, msg) => member.has(obj) || __typeError("Cannot " + msg);
var __privateGet = (obj, member, getter) => (__accessCheck(obj, member, "read from private field"), getter ? getter.call(obj) : member.get(obj));
var __privateAdd = (obj, member, value) => member.has(obj) ? __typeError("Cannot add the same private member more than once") : member instanceof WeakSet ? member.add(obj) : member.set(obj, value);
var __privateSet = (obj, member, value, setter) => (__accessCheck(obj, member, "write to private field"), setter ? setter.call(obj, value) : member.set(obj, value), value);
var __privateMethod = (obj, member, method) => (__accessCheck(obj, member, "access private method"), method);

// src/util/chunk.ts
var MAX_CHUNK_SIZE = 65536;
function* chunk(value) {
  if (value.byteLength <= MAX_CHUNK_SIZE) {
    yield value;
    return;
  }
  let offset = 0;
  while (offset < value.byteLength) {
    const size = Math.min(value.byteLength - offset, MAX_CHUNK_SIZE);
    const buffer = value.buffer.slice(offset, offset + size);
    offset += buffer.byteLength;
    yield new Uint8Array(buffer);
  }
}

// src/util/createBoundary.ts
var alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
function createBoundary() {
  let size = 16;
  let res = "";
  while (size--) {
    res += alphabet[Math.random() * alphabet.length << 0];
  }
  return res;
}

// src/util/escapeName.ts
var escapeName = (name) => String(name).replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");

// src/util/isFunction.ts
var lib_isFunction = (value) => typeof value === "function";

// src/util/isReadableStreamFallback.ts
var isReadableStreamFallback = (value) => !!value && typeof value === "object" && !Array.isArray(value) && lib_isFunction(value.getReader);

// src/util/isAsyncIterable.ts
var lib_isAsyncIterable = (value) => lib_isFunction(value[Symbol.asyncIterator]);

// src/util/getStreamIterator.ts
async function* readStream(readable) {
  const reader = readable.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    yield value;
  }
}
async function* chunkStream(stream) {
  for await (const value of stream) {
    yield* chunk(value);
  }
}
var getStreamIterator = (source) => {
  if (lib_isAsyncIterable(source)) {
    return chunkStream(source);
  }
  if (isReadableStreamFallback(source)) {
    return chunkStream(readStream(source));
  }
  throw new TypeError(
    "Unsupported data source: Expected either ReadableStream or async iterable."
  );
};

// src/util/isFile.ts
var isFile = (value) => Boolean(
  value && typeof value === "object" && lib_isFunction(value.constructor) && value[Symbol.toStringTag] === "File" && lib_isFunction(value.stream) && value.name != null
);

// src/util/isFormData.ts
var lib_isFormData = (value) => Boolean(
  value && lib_isFunction(value.constructor) && value[Symbol.toStringTag] === "FormData" && lib_isFunction(value.append) && lib_isFunction(value.getAll) && lib_isFunction(value.entries) && lib_isFunction(value[Symbol.iterator])
);

// src/util/isPlainObject.ts
var getType = (value) => Object.prototype.toString.call(value).slice(8, -1).toLowerCase();
function lib_isPlainObject(value) {
  if (getType(value) !== "object") {
    return false;
  }
  const pp = Object.getPrototypeOf(value);
  if (pp === null || pp === void 0) {
    return true;
  }
  return pp.constructor?.toString?.() === Object.toString();
}

// src/util/normalizeValue.ts
var normalizeValue = (value) => String(value).replace(/\r|\n/g, (match, i, str) => {
  if (match === "\r" && str[i + 1] !== "\n" || match === "\n" && str[i - 1] !== "\r") {
    return "\r\n";
  }
  return match;
});

// src/util/proxyHeaders.ts
function getProperty(target, prop) {
  if (typeof prop === "string") {
    for (const [name, value] of Object.entries(target)) {
      if (prop.toLowerCase() === name.toLowerCase()) {
        return value;
      }
    }
  }
  return void 0;
}
var proxyHeaders = (object) => new Proxy(
  object,
  {
    get: (target, prop) => getProperty(target, prop),
    has: (target, prop) => getProperty(target, prop) !== void 0
  }
);

// src/FormDataEncoder.ts
var defaultOptions = {
  enableAdditionalHeaders: false
};
var readonlyProp = { writable: false, configurable: false };
var _CRLF, _CRLF_BYTES, _CRLF_BYTES_LENGTH, _DASHES, _encoder, _footer, _form, _options, _FormDataEncoder_instances, getFieldHeader_fn, getContentLength_fn;
var FormDataEncoder = class {
  constructor(form, boundaryOrOptions, options) {
    __privateAdd(this, _FormDataEncoder_instances);
    __privateAdd(this, _CRLF, "\r\n");
    __privateAdd(this, _CRLF_BYTES);
    __privateAdd(this, _CRLF_BYTES_LENGTH);
    __privateAdd(this, _DASHES, "-".repeat(2));
    /**
     * TextEncoder instance
     */
    __privateAdd(this, _encoder, new TextEncoder());
    /**
     * Returns form-data footer bytes
     */
    __privateAdd(this, _footer);
    /**
     * FormData instance
     */
    __privateAdd(this, _form);
    /**
     * Instance options
     */
    __privateAdd(this, _options);
    if (!lib_isFormData(form)) {
      throw new TypeError("Expected first argument to be a FormData instance.");
    }
    let boundary;
    if (lib_isPlainObject(boundaryOrOptions)) {
      options = boundaryOrOptions;
    } else {
      boundary = boundaryOrOptions;
    }
    if (!boundary) {
      boundary = `form-data-encoder-${createBoundary()}`;
    }
    if (typeof boundary !== "string") {
      throw new TypeError("Expected boundary argument to be a string.");
    }
    if (options && !lib_isPlainObject(options)) {
      throw new TypeError("Expected options argument to be an object.");
    }
    __privateSet(this, _form, Array.from(form.entries()));
    __privateSet(this, _options, { ...defaultOptions, ...options });
    __privateSet(this, _CRLF_BYTES, __privateGet(this, _encoder).encode(__privateGet(this, _CRLF)));
    __privateSet(this, _CRLF_BYTES_LENGTH, __privateGet(this, _CRLF_BYTES).byteLength);
    this.boundary = boundary;
    this.contentType = `multipart/form-data; boundary=${this.boundary}`;
    __privateSet(this, _footer, __privateGet(this, _encoder).encode(
      `${__privateGet(this, _DASHES)}${this.boundary}${__privateGet(this, _DASHES)}${__privateGet(this, _CRLF).repeat(2)}`
    ));
    const headers = {
      "Content-Type": this.contentType
    };
    const contentLength = __privateMethod(this, _FormDataEncoder_instances, getContentLength_fn).call(this);
    if (contentLength) {
      this.contentLength = contentLength;
      headers["Content-Length"] = contentLength;
    }
    this.headers = proxyHeaders(Object.freeze(headers));
    Object.defineProperties(this, {
      boundary: readonlyProp,
      contentType: readonlyProp,
      contentLength: readonlyProp,
      headers: readonlyProp
    });
  }
  /**
   * Creates an iterator allowing to go through form-data parts (with metadata).
   * This method **will not** read the files and **will not** split values big into smaller chunks.
   *
   * Using this method, you can convert form-data content into Blob:
   *
   * @example
   *
   * ```ts
   * import {Readable} from "stream"
   *
   * import {FormDataEncoder} from "form-data-encoder"
   *
   * import {FormData} from "formdata-polyfill/esm-min.js"
   * import {fileFrom} from "fetch-blob/form.js"
   * import {File} from "fetch-blob/file.js"
   * import {Blob} from "fetch-blob"
   *
   * import fetch from "node-fetch"
   *
   * const form = new FormData()
   *
   * form.set("field", "Just a random string")
   * form.set("file", new File(["Using files is class amazing"]))
   * form.set("fileFromPath", await fileFrom("path/to/a/file.txt"))
   *
   * const encoder = new FormDataEncoder(form)
   *
   * const options = {
   *   method: "post",
   *   body: new Blob(encoder, {type: encoder.contentType})
   * }
   *
   * const response = await fetch("https://httpbin.org/post", options)
   *
   * console.log(await response.json())
   * ```
   */
  *values() {
    for (const [name, raw] of __privateGet(this, _form)) {
      const value = isFile(raw) ? raw : __privateGet(this, _encoder).encode(normalizeValue(raw));
      yield __privateMethod(this, _FormDataEncoder_instances, getFieldHeader_fn).call(this, name, value);
      yield value;
      yield __privateGet(this, _CRLF_BYTES);
    }
    yield __privateGet(this, _footer);
  }
  /**
   * Creates an async iterator allowing to perform the encoding by portions.
   * This method reads through files and splits big values into smaller pieces (65536 bytes per each).
   *
   * @example
   *
   * ```ts
   * import {Readable} from "stream"
   *
   * import {FormData, File, fileFromPath} from "formdata-node"
   * import {FormDataEncoder} from "form-data-encoder"
   *
   * import fetch from "node-fetch"
   *
   * const form = new FormData()
   *
   * form.set("field", "Just a random string")
   * form.set("file", new File(["Using files is class amazing"], "file.txt"))
   * form.set("fileFromPath", await fileFromPath("path/to/a/file.txt"))
   *
   * const encoder = new FormDataEncoder(form)
   *
   * const options = {
   *   method: "post",
   *   headers: encoder.headers,
   *   body: Readable.from(encoder.encode()) // or Readable.from(encoder)
   * }
   *
   * const response = await fetch("https://httpbin.org/post", options)
   *
   * console.log(await response.json())
   * ```
   */
  async *encode() {
    for (const part of this.values()) {
      if (isFile(part)) {
        yield* getStreamIterator(part.stream());
      } else {
        yield* chunk(part);
      }
    }
  }
  /**
   * Creates an iterator allowing to read through the encoder data using for...of loops
   */
  [Symbol.iterator]() {
    return this.values();
  }
  /**
   * Creates an **async** iterator allowing to read through the encoder data using for-await...of loops
   */
  [Symbol.asyncIterator]() {
    return this.encode();
  }
};
_CRLF = new WeakMap();
_CRLF_BYTES = new WeakMap();
_CRLF_BYTES_LENGTH = new WeakMap();
_DASHES = new WeakMap();
_encoder = new WeakMap();
_footer = new WeakMap();
_form = new WeakMap();
_options = new WeakMap();
_FormDataEncoder_instances = new WeakSet();
getFieldHeader_fn = function(name, value) {
  let header = "";
  header += `${__privateGet(this, _DASHES)}${this.boundary}${__privateGet(this, _CRLF)}`;
  header += `Content-Disposition: form-data; name="${escapeName(name)}"`;
  if (isFile(value)) {
    header += `; filename="${escapeName(value.name)}"${__privateGet(this, _CRLF)}`;
    header += `Content-Type: ${value.type || "application/octet-stream"}`;
  }
  if (__privateGet(this, _options).enableAdditionalHeaders === true) {
    const size = isFile(value) ? value.size : value.byteLength;
    if (size != null && !isNaN(size)) {
      header += `${__privateGet(this, _CRLF)}Content-Length: ${size}`;
    }
  }
  return __privateGet(this, _encoder).encode(`${header}${__privateGet(this, _CRLF).repeat(2)}`);
};
/**
 * Returns form-data content length
 */
getContentLength_fn = function() {
  let length = 0;
  for (const [name, raw] of __privateGet(this, _form)) {
    const value = isFile(raw) ? raw : __privateGet(this, _encoder).encode(normalizeValue(raw));
    const size = isFile(value) ? value.size : value.byteLength;
    if (size == null || isNaN(size)) {
      return void 0;
    }
    length += __privateMethod(this, _FormDataEncoder_instances, getFieldHeader_fn).call(this, name, value).byteLength;
    length += size;
    length += __privateGet(this, _CRLF_BYTES_LENGTH);
  }
  return String(length + __privateGet(this, _footer).byteLength);
};


;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/defer-to-connect.js
function isTlsSocket(socket) {
    return 'encrypted' in socket;
}
const deferToConnect = (socket, fn) => {
    let listeners;
    if (typeof fn === 'function') {
        const connect = fn;
        listeners = { connect };
    }
    else {
        listeners = fn;
    }
    const hasConnectListener = typeof listeners.connect === 'function';
    const hasSecureConnectListener = typeof listeners.secureConnect === 'function';
    const hasCloseListener = typeof listeners.close === 'function';
    const onConnect = () => {
        if (hasConnectListener) {
            listeners.connect();
        }
        if (isTlsSocket(socket) && hasSecureConnectListener) {
            if (socket.authorized) {
                listeners.secureConnect();
            }
            else {
                // Wait for secureConnect event (even if authorization fails, we need the timing)
                socket.once('secureConnect', listeners.secureConnect);
            }
        }
        if (hasCloseListener) {
            socket.once('close', listeners.close);
        }
    };
    if (socket.writable && !socket.connecting) {
        onConnect();
    }
    else if (socket.connecting) {
        socket.once('connect', onConnect);
    }
    else if (socket.destroyed && hasCloseListener) {
        const hadError = '_hadError' in socket ? Boolean(socket._hadError) : false;
        listeners.close(hadError);
    }
};
/* harmony default export */ const defer_to_connect = (deferToConnect);

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/timer.js



const timer = (request) => {
    if (request.timings) {
        return request.timings;
    }
    const timings = {
        start: Date.now(),
        socket: undefined,
        lookup: undefined,
        connect: undefined,
        secureConnect: undefined,
        upload: undefined,
        response: undefined,
        end: undefined,
        error: undefined,
        abort: undefined,
        phases: {
            wait: undefined,
            dns: undefined,
            tcp: undefined,
            tls: undefined,
            request: undefined,
            firstByte: undefined,
            download: undefined,
            total: undefined,
        },
    };
    request.timings = timings;
    const handleError = (origin) => {
        origin.once(external_node_events_namespaceObject.errorMonitor, () => {
            timings.error = Date.now();
            timings.phases.total = timings.error - timings.start;
        });
    };
    handleError(request);
    const onAbort = () => {
        timings.abort = Date.now();
        timings.phases.total = timings.abort - timings.start;
    };
    request.prependOnceListener('abort', onAbort);
    const onSocket = (socket) => {
        timings.socket = Date.now();
        timings.phases.wait = timings.socket - timings.start;
        if (external_node_util_namespaceObject.types.isProxy(socket)) {
            // HTTP/2: The socket is a proxy, so connection events won't fire.
            // We can't measure connection timings, so leave them undefined.
            // This prevents NaN in phases.request calculation.
            return;
        }
        // Check if socket is already connected (reused from connection pool)
        const socketAlreadyConnected = socket.writable && !socket.connecting;
        if (socketAlreadyConnected) {
            // Socket reuse detected: the socket was already connected from a previous request.
            // For reused sockets, set all connection timestamps to socket time since no new
            // connection was made for THIS request. But preserve phase durations from the
            // original connection so they're not lost.
            timings.lookup = timings.socket;
            timings.connect = timings.socket;
            if (socket.__initial_connection_timings__) {
                // Restore the phase timings from the initial connection
                timings.phases.dns = socket.__initial_connection_timings__.dnsPhase;
                timings.phases.tcp = socket.__initial_connection_timings__.tcpPhase;
                timings.phases.tls = socket.__initial_connection_timings__.tlsPhase;
                // Set secureConnect timestamp if there was TLS
                if (timings.phases.tls !== undefined) {
                    timings.secureConnect = timings.socket;
                }
            }
            else {
                // Socket reused but no initial timings stored (e.g., from external code)
                // Set phases to 0
                timings.phases.dns = 0;
                timings.phases.tcp = 0;
            }
            return;
        }
        const lookupListener = () => {
            timings.lookup = Date.now();
            timings.phases.dns = timings.lookup - timings.socket;
        };
        socket.prependOnceListener('lookup', lookupListener);
        defer_to_connect(socket, {
            connect() {
                timings.connect = Date.now();
                if (timings.lookup === undefined) {
                    // No DNS lookup occurred (e.g., connecting to an IP address directly)
                    // Set lookup to socket time (no time elapsed for DNS)
                    socket.removeListener('lookup', lookupListener);
                    timings.lookup = timings.socket;
                    timings.phases.dns = 0;
                }
                timings.phases.tcp = timings.connect - timings.lookup;
                // If lookup and connect happen at the EXACT same time (tcp = 0),
                // DNS was served from cache and the dns value is just event loop overhead.
                // Set dns to 0 to indicate no actual DNS resolution occurred.
                // Fixes https://github.com/szmarczak/http-timer/issues/35
                if (timings.phases.tcp === 0 && timings.phases.dns && timings.phases.dns > 0) {
                    timings.phases.dns = 0;
                }
                // Store connection phase timings on socket for potential reuse
                if (!socket.__initial_connection_timings__) {
                    socket.__initial_connection_timings__ = {
                        dnsPhase: timings.phases.dns,
                        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- TypeScript can't prove this is defined due to callback structure
                        tcpPhase: timings.phases.tcp,
                    };
                }
            },
            secureConnect() {
                timings.secureConnect = Date.now();
                timings.phases.tls = timings.secureConnect - timings.connect;
                // Update stored timings with TLS phase timing
                if (socket.__initial_connection_timings__) {
                    socket.__initial_connection_timings__.tlsPhase = timings.phases.tls;
                }
            },
        });
    };
    if (request.socket) {
        onSocket(request.socket);
    }
    else {
        request.prependOnceListener('socket', onSocket);
    }
    const onUpload = () => {
        timings.upload = Date.now();
        // Calculate request phase if we have connection timings
        const secureOrConnect = timings.secureConnect ?? timings.connect;
        if (secureOrConnect !== undefined) {
            timings.phases.request = timings.upload - secureOrConnect;
        }
        // If both are undefined (HTTP/2), phases.request stays undefined (not NaN)
    };
    if (request.writableFinished) {
        onUpload();
    }
    else {
        request.prependOnceListener('finish', onUpload);
    }
    request.prependOnceListener('response', (response) => {
        timings.response = Date.now();
        timings.phases.firstByte = timings.response - timings.upload;
        response.timings = timings;
        handleError(response);
        response.prependOnceListener('end', () => {
            request.off('abort', onAbort);
            response.off('aborted', onAbort);
            if (timings.phases.total !== undefined) {
                // Aborted or errored
                return;
            }
            timings.end = Date.now();
            timings.phases.download = timings.end - timings.response;
            timings.phases.total = timings.end - timings.start;
        });
        response.prependOnceListener('aborted', onAbort);
    });
    return timings;
};
/* harmony default export */ const utils_timer = (timer);

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/is-form-data.js

function is_form_data_isFormData(body) {
    return distribution.nodeStream(body) && distribution.function(body.getBoundary);
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/get-body-size.js



async function getBodySize(body, headers) {
    if (headers && 'content-length' in headers) {
        return Number(headers['content-length']);
    }
    if (!body) {
        return 0;
    }
    if (distribution.string(body)) {
        return new TextEncoder().encode(body).byteLength;
    }
    if (distribution.buffer(body)) {
        return body.length;
    }
    if (distribution.typedArray(body)) {
        return body.byteLength;
    }
    if (is_form_data_isFormData(body)) {
        try {
            return await (0,external_node_util_namespaceObject.promisify)(body.getLength.bind(body))();
        }
        catch (error) {
            const typedError = error;
            throw new Error('Cannot determine content-length for form-data with stream(s) of unknown length. '
                + 'This is a limitation of the `form-data` package. '
                + 'To fix this, either:\n'
                + '1. Use the `knownLength` option when appending streams:\n'
                + '   form.append(\'file\', stream, {knownLength: 12345});\n'
                + '2. Switch to spec-compliant FormData (formdata-node package)\n'
                + 'See: https://github.com/form-data/form-data#alternative-submission-methods\n'
                + `Original error: ${typedError.message}`);
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/proxy-events.js
function proxyEvents(from, to, events) {
    const eventFunctions = {};
    for (const event of events) {
        const eventFunction = (...arguments_) => {
            to.emit(event, ...arguments_);
        };
        eventFunctions[event] = eventFunction;
        from.on(event, eventFunction);
    }
    return () => {
        for (const [event, eventFunction] of Object.entries(eventFunctions)) {
            from.off(event, eventFunction);
        }
    };
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/unhandle.js
// When attaching listeners, it's very easy to forget about them.
// Especially if you do error handling and set timeouts.
// So instead of checking if it's proper to throw an error on every timeout ever,
// use this simple tool which will remove all listeners you have attached.
function unhandle() {
    const handlers = [];
    return {
        once(origin, event, function_) {
            origin.once(event, function_);
            handlers.push({ origin, event, fn: function_ });
        },
        unhandleAll() {
            for (const handler of handlers) {
                const { origin, event, fn } = handler;
                origin.removeListener(event, fn);
            }
            handlers.length = 0;
        },
    };
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/timed-out.js


const reentry = Symbol('reentry');
const timed_out_noop = () => { };
class timed_out_TimeoutError extends Error {
    event;
    name = 'TimeoutError';
    code = 'ETIMEDOUT';
    constructor(threshold, event) {
        super(`Timeout awaiting '${event}' for ${threshold}ms`);
        this.event = event;
    }
}
function timedOut(request, delays, options) {
    if (reentry in request) {
        return timed_out_noop;
    }
    request[reentry] = true;
    const cancelers = [];
    const { once, unhandleAll } = unhandle();
    const handled = new Map();
    const addTimeout = (delay, callback, event) => {
        const timeout = setTimeout(callback, delay, delay, event);
        timeout.unref?.();
        const cancel = () => {
            handled.set(event, true);
            clearTimeout(timeout);
        };
        cancelers.push(cancel);
        return cancel;
    };
    const { host, hostname } = options;
    const timeoutHandler = (delay, event) => {
        // Use setTimeout to allow for any cancelled events to be handled first,
        // to prevent firing any TimeoutError unneeded when the event loop is busy or blocked
        setTimeout(() => {
            if (!handled.has(event)) {
                request.destroy(new timed_out_TimeoutError(delay, event));
            }
        }, 0);
    };
    const cancelTimeouts = () => {
        for (const cancel of cancelers) {
            cancel();
        }
        unhandleAll();
    };
    request.once('error', error => {
        cancelTimeouts();
        // Save original behavior
        /* istanbul ignore next */
        if (request.listenerCount('error') === 0) {
            throw error;
        }
    });
    if (delays.request !== undefined) {
        const cancelTimeout = addTimeout(delays.request, timeoutHandler, 'request');
        once(request, 'response', (response) => {
            once(response, 'end', cancelTimeout);
        });
    }
    if (delays.socket !== undefined) {
        const { socket } = delays;
        const socketTimeoutHandler = () => {
            timeoutHandler(socket, 'socket');
        };
        request.setTimeout(socket, socketTimeoutHandler);
        // `request.setTimeout(0)` causes a memory leak.
        // We can just remove the listener and forget about the timer - it's unreffed.
        // See https://github.com/sindresorhus/got/issues/690
        cancelers.push(() => {
            request.removeListener('timeout', socketTimeoutHandler);
        });
    }
    const hasLookup = delays.lookup !== undefined;
    const hasConnect = delays.connect !== undefined;
    const hasSecureConnect = delays.secureConnect !== undefined;
    const hasSend = delays.send !== undefined;
    if (hasLookup || hasConnect || hasSecureConnect || hasSend) {
        once(request, 'socket', (socket) => {
            const { socketPath } = request;
            /* istanbul ignore next: hard to test */
            if (socket.connecting) {
                const hasPath = Boolean(socketPath ?? external_node_net_namespaceObject.isIP(hostname ?? host ?? '') !== 0);
                if (hasLookup && !hasPath && socket.address().address === undefined) {
                    const cancelTimeout = addTimeout(delays.lookup, timeoutHandler, 'lookup');
                    once(socket, 'lookup', cancelTimeout);
                }
                if (hasConnect) {
                    const timeConnect = () => addTimeout(delays.connect, timeoutHandler, 'connect');
                    if (hasPath) {
                        once(socket, 'connect', timeConnect());
                    }
                    else {
                        once(socket, 'lookup', (error) => {
                            if (error === null) {
                                once(socket, 'connect', timeConnect());
                            }
                        });
                    }
                }
                if (hasSecureConnect && options.protocol === 'https:') {
                    once(socket, 'connect', () => {
                        const cancelTimeout = addTimeout(delays.secureConnect, timeoutHandler, 'secureConnect');
                        once(socket, 'secureConnect', cancelTimeout);
                    });
                }
            }
            if (hasSend) {
                const timeRequest = () => addTimeout(delays.send, timeoutHandler, 'send');
                /* istanbul ignore next: hard to test */
                if (socket.connecting) {
                    once(socket, 'connect', () => {
                        once(request, 'upload-complete', timeRequest());
                    });
                }
                else {
                    once(request, 'upload-complete', timeRequest());
                }
            }
        });
    }
    if (delays.response !== undefined) {
        once(request, 'upload-complete', () => {
            const cancelTimeout = addTimeout(delays.response, timeoutHandler, 'response');
            once(request, 'response', cancelTimeout);
        });
    }
    if (delays.read !== undefined) {
        once(request, 'response', (response) => {
            const cancelTimeout = addTimeout(delays.read, timeoutHandler, 'read');
            once(response, 'end', cancelTimeout);
        });
    }
    return cancelTimeouts;
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/url-to-options.js

function urlToOptions(url) {
    // Cast to URL
    url = url;
    const options = {
        protocol: url.protocol,
        hostname: distribution.string(url.hostname) && url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        host: url.host,
        hash: url.hash,
        search: url.search,
        pathname: url.pathname,
        href: url.href,
        path: `${url.pathname || ''}${url.search || ''}`,
    };
    if (distribution.string(url.port) && url.port.length > 0) {
        options.port = Number(url.port);
    }
    if (url.username || url.password) {
        options.auth = `${url.username || ''}:${url.password || ''}`;
    }
    return options;
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/weakable-map.js
class WeakableMap {
    weakMap = new WeakMap();
    map = new Map();
    set(key, value) {
        if (typeof key === 'object') {
            this.weakMap.set(key, value);
        }
        else {
            this.map.set(key, value);
        }
    }
    get(key) {
        if (typeof key === 'object') {
            return this.weakMap.get(key);
        }
        return this.map.get(key);
    }
    has(key) {
        if (typeof key === 'object') {
            return this.weakMap.has(key);
        }
        return this.map.has(key);
    }
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/calculate-retry-delay.js
const calculateRetryDelay = ({ attemptCount, retryOptions, error, retryAfter, computedValue, }) => {
    if (error.name === 'RetryError') {
        return 1;
    }
    if (attemptCount > retryOptions.limit) {
        return 0;
    }
    const hasMethod = retryOptions.methods.includes(error.options.method);
    const hasErrorCode = retryOptions.errorCodes.includes(error.code);
    const hasStatusCode = error.response && retryOptions.statusCodes.includes(error.response.statusCode);
    if (!hasMethod || (!hasErrorCode && !hasStatusCode)) {
        return 0;
    }
    if (error.response) {
        if (retryAfter) {
            // In this case `computedValue` is `options.request.timeout`
            if (retryAfter > computedValue) {
                return 0;
            }
            return retryAfter;
        }
        if (error.response.statusCode === 413) {
            return 0;
        }
    }
    const noise = Math.random() * retryOptions.noise;
    return Math.min(((2 ** (attemptCount - 1)) * 1000), retryOptions.backoffLimit) + noise;
};
/* harmony default export */ const calculate_retry_delay = (calculateRetryDelay);

;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:dns"
const external_node_dns_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./node_modules/cacheable-lookup/source/index.js




const {Resolver: AsyncResolver} = external_node_dns_namespaceObject.promises;

const kCacheableLookupCreateConnection = Symbol('cacheableLookupCreateConnection');
const kCacheableLookupInstance = Symbol('cacheableLookupInstance');
const kExpires = Symbol('expires');

const supportsALL = typeof external_node_dns_namespaceObject.ALL === 'number';

const verifyAgent = agent => {
	if (!(agent && typeof agent.createConnection === 'function')) {
		throw new Error('Expected an Agent instance as the first argument');
	}
};

const map4to6 = entries => {
	for (const entry of entries) {
		if (entry.family === 6) {
			continue;
		}

		entry.address = `::ffff:${entry.address}`;
		entry.family = 6;
	}
};

const getIfaceInfo = () => {
	let has4 = false;
	let has6 = false;

	for (const device of Object.values(external_node_os_namespaceObject.networkInterfaces())) {
		for (const iface of device) {
			if (iface.internal) {
				continue;
			}

			if (iface.family === 'IPv6') {
				has6 = true;
			} else {
				has4 = true;
			}

			if (has4 && has6) {
				return {has4, has6};
			}
		}
	}

	return {has4, has6};
};

const source_isIterable = map => {
	return Symbol.iterator in map;
};

const ignoreNoResultErrors = dnsPromise => {
	return dnsPromise.catch(error => {
		if (
			error.code === 'ENODATA' ||
			error.code === 'ENOTFOUND' ||
			error.code === 'ENOENT' // Windows: name exists, but not this record type
		) {
			return [];
		}

		throw error;
	});
};

const ttl = {ttl: true};
const source_all = {all: true};
const all4 = {all: true, family: 4};
const all6 = {all: true, family: 6};

class CacheableLookup {
	constructor({
		cache = new Map(),
		maxTtl = Infinity,
		fallbackDuration = 3600,
		errorTtl = 0.15,
		resolver = new AsyncResolver(),
		lookup = external_node_dns_namespaceObject.lookup
	} = {}) {
		this.maxTtl = maxTtl;
		this.errorTtl = errorTtl;

		this._cache = cache;
		this._resolver = resolver;
		this._dnsLookup = lookup && (0,external_node_util_namespaceObject.promisify)(lookup);
		this.stats = {
			cache: 0,
			query: 0
		};

		if (this._resolver instanceof AsyncResolver) {
			this._resolve4 = this._resolver.resolve4.bind(this._resolver);
			this._resolve6 = this._resolver.resolve6.bind(this._resolver);
		} else {
			this._resolve4 = (0,external_node_util_namespaceObject.promisify)(this._resolver.resolve4.bind(this._resolver));
			this._resolve6 = (0,external_node_util_namespaceObject.promisify)(this._resolver.resolve6.bind(this._resolver));
		}

		this._iface = getIfaceInfo();

		this._pending = {};
		this._nextRemovalTime = false;
		this._hostnamesToFallback = new Set();

		this.fallbackDuration = fallbackDuration;

		if (fallbackDuration > 0) {
			const interval = setInterval(() => {
				this._hostnamesToFallback.clear();
			}, fallbackDuration * 1000);

			/* istanbul ignore next: There is no `interval.unref()` when running inside an Electron renderer */
			if (interval.unref) {
				interval.unref();
			}

			this._fallbackInterval = interval;
		}

		this.lookup = this.lookup.bind(this);
		this.lookupAsync = this.lookupAsync.bind(this);
	}

	set servers(servers) {
		this.clear();

		this._resolver.setServers(servers);
	}

	get servers() {
		return this._resolver.getServers();
	}

	lookup(hostname, options, callback) {
		if (typeof options === 'function') {
			callback = options;
			options = {};
		} else if (typeof options === 'number') {
			options = {
				family: options
			};
		}

		if (!callback) {
			throw new Error('Callback must be a function.');
		}

		// eslint-disable-next-line promise/prefer-await-to-then
		this.lookupAsync(hostname, options).then(result => {
			if (options.all) {
				callback(null, result);
			} else {
				callback(null, result.address, result.family, result.expires, result.ttl, result.source);
			}
		}, callback);
	}

	async lookupAsync(hostname, options = {}) {
		if (typeof options === 'number') {
			options = {
				family: options
			};
		}

		let cached = await this.query(hostname);

		if (options.family === 6) {
			const filtered = cached.filter(entry => entry.family === 6);

			if (options.hints & external_node_dns_namespaceObject.V4MAPPED) {
				if ((supportsALL && options.hints & external_node_dns_namespaceObject.ALL) || filtered.length === 0) {
					map4to6(cached);
				} else {
					cached = filtered;
				}
			} else {
				cached = filtered;
			}
		} else if (options.family === 4) {
			cached = cached.filter(entry => entry.family === 4);
		}

		if (options.hints & external_node_dns_namespaceObject.ADDRCONFIG) {
			const {_iface} = this;
			cached = cached.filter(entry => entry.family === 6 ? _iface.has6 : _iface.has4);
		}

		if (cached.length === 0) {
			const error = new Error(`cacheableLookup ENOTFOUND ${hostname}`);
			error.code = 'ENOTFOUND';
			error.hostname = hostname;

			throw error;
		}

		if (options.all) {
			return cached;
		}

		return cached[0];
	}

	async query(hostname) {
		let source = 'cache';
		let cached = await this._cache.get(hostname);

		if (cached) {
			this.stats.cache++;
		}

		if (!cached) {
			const pending = this._pending[hostname];
			if (pending) {
				this.stats.cache++;
				cached = await pending;
			} else {
				source = 'query';
				const newPromise = this.queryAndCache(hostname);
				this._pending[hostname] = newPromise;
				this.stats.query++;
				try {
					cached = await newPromise;
				} finally {
					delete this._pending[hostname];
				}
			}
		}

		cached = cached.map(entry => {
			return {...entry, source};
		});

		return cached;
	}

	async _resolve(hostname) {
		// ANY is unsafe as it doesn't trigger new queries in the underlying server.
		const [A, AAAA] = await Promise.all([
			ignoreNoResultErrors(this._resolve4(hostname, ttl)),
			ignoreNoResultErrors(this._resolve6(hostname, ttl))
		]);

		let aTtl = 0;
		let aaaaTtl = 0;
		let cacheTtl = 0;

		const now = Date.now();

		for (const entry of A) {
			entry.family = 4;
			entry.expires = now + (entry.ttl * 1000);

			aTtl = Math.max(aTtl, entry.ttl);
		}

		for (const entry of AAAA) {
			entry.family = 6;
			entry.expires = now + (entry.ttl * 1000);

			aaaaTtl = Math.max(aaaaTtl, entry.ttl);
		}

		if (A.length > 0) {
			if (AAAA.length > 0) {
				cacheTtl = Math.min(aTtl, aaaaTtl);
			} else {
				cacheTtl = aTtl;
			}
		} else {
			cacheTtl = aaaaTtl;
		}

		return {
			entries: [
				...A,
				...AAAA
			],
			cacheTtl
		};
	}

	async _lookup(hostname) {
		try {
			const [A, AAAA] = await Promise.all([
				// Passing {all: true} doesn't return all IPv4 and IPv6 entries.
				// See https://github.com/szmarczak/cacheable-lookup/issues/42
				ignoreNoResultErrors(this._dnsLookup(hostname, all4)),
				ignoreNoResultErrors(this._dnsLookup(hostname, all6))
			]);

			return {
				entries: [
					...A,
					...AAAA
				],
				cacheTtl: 0
			};
		} catch {
			return {
				entries: [],
				cacheTtl: 0
			};
		}
	}

	async _set(hostname, data, cacheTtl) {
		if (this.maxTtl > 0 && cacheTtl > 0) {
			cacheTtl = Math.min(cacheTtl, this.maxTtl) * 1000;
			data[kExpires] = Date.now() + cacheTtl;

			try {
				await this._cache.set(hostname, data, cacheTtl);
			} catch (error) {
				this.lookupAsync = async () => {
					const cacheError = new Error('Cache Error. Please recreate the CacheableLookup instance.');
					cacheError.cause = error;

					throw cacheError;
				};
			}

			if (source_isIterable(this._cache)) {
				this._tick(cacheTtl);
			}
		}
	}

	async queryAndCache(hostname) {
		if (this._hostnamesToFallback.has(hostname)) {
			return this._dnsLookup(hostname, source_all);
		}

		let query = await this._resolve(hostname);

		if (query.entries.length === 0 && this._dnsLookup) {
			query = await this._lookup(hostname);

			if (query.entries.length !== 0 && this.fallbackDuration > 0) {
				// Use `dns.lookup(...)` for that particular hostname
				this._hostnamesToFallback.add(hostname);
			}
		}

		const cacheTtl = query.entries.length === 0 ? this.errorTtl : query.cacheTtl;
		await this._set(hostname, query.entries, cacheTtl);

		return query.entries;
	}

	_tick(ms) {
		const nextRemovalTime = this._nextRemovalTime;

		if (!nextRemovalTime || ms < nextRemovalTime) {
			clearTimeout(this._removalTimeout);

			this._nextRemovalTime = ms;

			this._removalTimeout = setTimeout(() => {
				this._nextRemovalTime = false;

				let nextExpiry = Infinity;

				const now = Date.now();

				for (const [hostname, entries] of this._cache) {
					const expires = entries[kExpires];

					if (now >= expires) {
						this._cache.delete(hostname);
					} else if (expires < nextExpiry) {
						nextExpiry = expires;
					}
				}

				if (nextExpiry !== Infinity) {
					this._tick(nextExpiry - now);
				}
			}, ms);

			/* istanbul ignore next: There is no `timeout.unref()` when running inside an Electron renderer */
			if (this._removalTimeout.unref) {
				this._removalTimeout.unref();
			}
		}
	}

	install(agent) {
		verifyAgent(agent);

		if (kCacheableLookupCreateConnection in agent) {
			throw new Error('CacheableLookup has been already installed');
		}

		agent[kCacheableLookupCreateConnection] = agent.createConnection;
		agent[kCacheableLookupInstance] = this;

		agent.createConnection = (options, callback) => {
			if (!('lookup' in options)) {
				options.lookup = this.lookup;
			}

			return agent[kCacheableLookupCreateConnection](options, callback);
		};
	}

	uninstall(agent) {
		verifyAgent(agent);

		if (agent[kCacheableLookupCreateConnection]) {
			if (agent[kCacheableLookupInstance] !== this) {
				throw new Error('The agent is not owned by this CacheableLookup instance');
			}

			agent.createConnection = agent[kCacheableLookupCreateConnection];

			delete agent[kCacheableLookupCreateConnection];
			delete agent[kCacheableLookupInstance];
		}
	}

	updateInterfaceInfo() {
		const {_iface} = this;

		this._iface = getIfaceInfo();

		if ((_iface.has4 && !this._iface.has4) || (_iface.has6 && !this._iface.has6)) {
			this._cache.clear();
		}
	}

	clear(hostname) {
		if (hostname) {
			this._cache.delete(hostname);
			return;
		}

		this._cache.clear();
	}
}

// EXTERNAL MODULE: ./node_modules/http2-wrapper/source/index.js
var source = __nccwpck_require__(956);
;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/parse-link-header.js
function parseLinkHeader(link) {
    const parsed = [];
    const items = link.split(',');
    for (const item of items) {
        // https://tools.ietf.org/html/rfc5988#section-5
        const [rawUriReference, ...rawLinkParameters] = item.split(';');
        const trimmedUriReference = rawUriReference.trim();
        // eslint-disable-next-line @typescript-eslint/prefer-string-starts-ends-with
        if (trimmedUriReference[0] !== '<' || trimmedUriReference.at(-1) !== '>') {
            throw new Error(`Invalid format of the Link header reference: ${trimmedUriReference}`);
        }
        const reference = trimmedUriReference.slice(1, -1);
        const parameters = {};
        if (rawLinkParameters.length === 0) {
            throw new Error(`Unexpected end of Link header parameters: ${rawLinkParameters.join(';')}`);
        }
        for (const rawParameter of rawLinkParameters) {
            const trimmedRawParameter = rawParameter.trim();
            const center = trimmedRawParameter.indexOf('=');
            if (center === -1) {
                throw new Error(`Failed to parse Link header: ${link}`);
            }
            const name = trimmedRawParameter.slice(0, center).trim();
            const value = trimmedRawParameter.slice(center + 1).trim();
            parameters[name] = value;
        }
        parsed.push({
            reference,
            parameters,
        });
    }
    return parsed;
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/options.js



// DO NOT use destructuring for `https.request` and `http.request` as it's not compatible with `nock`.








const [major, minor] = external_node_process_namespaceObject.versions.node.split('.').map(Number);
/**
Generic helper that wraps any assertion function to add context to error messages.
*/
function wrapAssertionWithContext(optionName, assertionFn) {
    try {
        assertionFn();
    }
    catch (error) {
        if (error instanceof Error) {
            error.message = `Option '${optionName}': ${error.message}`;
        }
        throw error;
    }
}
/**
Helper function that wraps assert.any() to provide better error messages.
When assertion fails, it includes the option name in the error message.
*/
function options_assertAny(optionName, validators, value) {
    wrapAssertionWithContext(optionName, () => {
        assert.any(validators, value);
    });
}
/**
Helper function that wraps assert.plainObject() to provide better error messages.
When assertion fails, it includes the option name in the error message.
*/
function options_assertPlainObject(optionName, value) {
    wrapAssertionWithContext(optionName, () => {
        assert.plainObject(value);
    });
}
function validateSearchParameters(searchParameters) {
    // eslint-disable-next-line guard-for-in
    for (const key in searchParameters) {
        const value = searchParameters[key];
        options_assertAny(`searchParams.${key}`, [distribution.string, distribution.number, distribution.boolean, distribution.null, distribution.undefined], value);
    }
}
const globalCache = new Map();
let globalDnsCache;
const getGlobalDnsCache = () => {
    if (globalDnsCache) {
        return globalDnsCache;
    }
    globalDnsCache = new CacheableLookup();
    return globalDnsCache;
};
// Detects and wraps QuickLRU v7+ instances to make them compatible with the StorageAdapter interface
const wrapQuickLruIfNeeded = (value) => {
    // Check if this is QuickLRU v7+ using Symbol.toStringTag and the evict method (added in v7)
    if (value?.[Symbol.toStringTag] === 'QuickLRU' && typeof value.evict === 'function') {
        // QuickLRU v7+ uses set(key, value, {maxAge: number}) but StorageAdapter expects set(key, value, ttl)
        // Wrap it to translate the interface
        return {
            get(key) {
                return value.get(key);
            },
            set(key, cacheValue, ttl) {
                if (ttl === undefined) {
                    value.set(key, cacheValue);
                }
                else {
                    value.set(key, cacheValue, { maxAge: ttl });
                }
                return true;
            },
            delete(key) {
                return value.delete(key);
            },
            clear() {
                return value.clear();
            },
            has(key) {
                return value.has(key);
            },
        };
    }
    // QuickLRU v5 and other caches work as-is
    return value;
};
const defaultInternals = {
    request: undefined,
    agent: {
        http: undefined,
        https: undefined,
        http2: undefined,
    },
    h2session: undefined,
    decompress: true,
    timeout: {
        connect: undefined,
        lookup: undefined,
        read: undefined,
        request: undefined,
        response: undefined,
        secureConnect: undefined,
        send: undefined,
        socket: undefined,
    },
    prefixUrl: '',
    body: undefined,
    form: undefined,
    json: undefined,
    cookieJar: undefined,
    ignoreInvalidCookies: false,
    searchParams: undefined,
    dnsLookup: undefined,
    dnsCache: undefined,
    context: {},
    hooks: {
        init: [],
        beforeRequest: [],
        beforeError: [],
        beforeRedirect: [],
        beforeRetry: [],
        beforeCache: [],
        afterResponse: [],
    },
    followRedirect: true,
    maxRedirects: 10,
    cache: undefined,
    throwHttpErrors: true,
    username: '',
    password: '',
    http2: false,
    allowGetBody: false,
    copyPipedHeaders: true,
    headers: {
        'user-agent': 'got (https://github.com/sindresorhus/got)',
    },
    methodRewriting: false,
    dnsLookupIpVersion: undefined,
    parseJson: JSON.parse,
    stringifyJson: JSON.stringify,
    retry: {
        limit: 2,
        methods: [
            'GET',
            'PUT',
            'HEAD',
            'DELETE',
            'OPTIONS',
            'TRACE',
        ],
        statusCodes: [
            408,
            413,
            429,
            500,
            502,
            503,
            504,
            521,
            522,
            524,
        ],
        errorCodes: [
            'ETIMEDOUT',
            'ECONNRESET',
            'EADDRINUSE',
            'ECONNREFUSED',
            'EPIPE',
            'ENOTFOUND',
            'ENETUNREACH',
            'EAI_AGAIN',
        ],
        maxRetryAfter: undefined,
        calculateDelay: ({ computedValue }) => computedValue,
        backoffLimit: Number.POSITIVE_INFINITY,
        noise: 100,
        // TODO: Change default to `true` in the next major version to fix https://github.com/sindresorhus/got/issues/2243
        enforceRetryRules: false,
    },
    localAddress: undefined,
    method: 'GET',
    createConnection: undefined,
    cacheOptions: {
        shared: undefined,
        cacheHeuristic: undefined,
        immutableMinTimeToLive: undefined,
        ignoreCargoCult: undefined,
    },
    https: {
        alpnProtocols: undefined,
        rejectUnauthorized: undefined,
        checkServerIdentity: undefined,
        serverName: undefined,
        certificateAuthority: undefined,
        key: undefined,
        certificate: undefined,
        passphrase: undefined,
        pfx: undefined,
        ciphers: undefined,
        honorCipherOrder: undefined,
        minVersion: undefined,
        maxVersion: undefined,
        signatureAlgorithms: undefined,
        tlsSessionLifetime: undefined,
        dhparam: undefined,
        ecdhCurve: undefined,
        certificateRevocationLists: undefined,
        secureOptions: undefined,
    },
    encoding: undefined,
    resolveBodyOnly: false,
    isStream: false,
    responseType: 'text',
    url: undefined,
    pagination: {
        transform(response) {
            if (response.request.options.responseType === 'json') {
                return response.body;
            }
            return JSON.parse(response.body);
        },
        paginate({ response }) {
            const rawLinkHeader = response.headers.link;
            if (typeof rawLinkHeader !== 'string' || rawLinkHeader.trim() === '') {
                return false;
            }
            const parsed = parseLinkHeader(rawLinkHeader);
            const next = parsed.find(entry => entry.parameters.rel === 'next' || entry.parameters.rel === '"next"');
            if (next) {
                return {
                    url: new URL(next.reference, response.url),
                };
            }
            return false;
        },
        filter: () => true,
        shouldContinue: () => true,
        countLimit: Number.POSITIVE_INFINITY,
        backoff: 0,
        requestLimit: 10_000,
        stackAllItems: false,
    },
    setHost: true,
    maxHeaderSize: undefined,
    signal: undefined,
    enableUnixSockets: false,
    strictContentLength: false,
};
const cloneInternals = (internals) => {
    const { hooks, retry } = internals;
    const result = {
        ...internals,
        context: { ...internals.context },
        cacheOptions: { ...internals.cacheOptions },
        https: { ...internals.https },
        agent: { ...internals.agent },
        headers: { ...internals.headers },
        retry: {
            ...retry,
            errorCodes: [...retry.errorCodes],
            methods: [...retry.methods],
            statusCodes: [...retry.statusCodes],
        },
        timeout: { ...internals.timeout },
        hooks: {
            init: [...hooks.init],
            beforeRequest: [...hooks.beforeRequest],
            beforeError: [...hooks.beforeError],
            beforeRedirect: [...hooks.beforeRedirect],
            beforeRetry: [...hooks.beforeRetry],
            beforeCache: [...hooks.beforeCache],
            afterResponse: [...hooks.afterResponse],
        },
        searchParams: internals.searchParams ? new URLSearchParams(internals.searchParams) : undefined,
        pagination: { ...internals.pagination },
    };
    return result;
};
const cloneRaw = (raw) => {
    const { hooks, retry } = raw;
    const result = { ...raw };
    if (distribution.object(raw.context)) {
        result.context = { ...raw.context };
    }
    if (distribution.object(raw.cacheOptions)) {
        result.cacheOptions = { ...raw.cacheOptions };
    }
    if (distribution.object(raw.https)) {
        result.https = { ...raw.https };
    }
    if (distribution.object(raw.cacheOptions)) {
        result.cacheOptions = { ...result.cacheOptions };
    }
    if (distribution.object(raw.agent)) {
        result.agent = { ...raw.agent };
    }
    if (distribution.object(raw.headers)) {
        result.headers = { ...raw.headers };
    }
    if (distribution.object(retry)) {
        result.retry = { ...retry };
        if (distribution.array(retry.errorCodes)) {
            result.retry.errorCodes = [...retry.errorCodes];
        }
        if (distribution.array(retry.methods)) {
            result.retry.methods = [...retry.methods];
        }
        if (distribution.array(retry.statusCodes)) {
            result.retry.statusCodes = [...retry.statusCodes];
        }
    }
    if (distribution.object(raw.timeout)) {
        result.timeout = { ...raw.timeout };
    }
    if (distribution.object(hooks)) {
        result.hooks = {
            ...hooks,
        };
        if (distribution.array(hooks.init)) {
            result.hooks.init = [...hooks.init];
        }
        if (distribution.array(hooks.beforeRequest)) {
            result.hooks.beforeRequest = [...hooks.beforeRequest];
        }
        if (distribution.array(hooks.beforeError)) {
            result.hooks.beforeError = [...hooks.beforeError];
        }
        if (distribution.array(hooks.beforeRedirect)) {
            result.hooks.beforeRedirect = [...hooks.beforeRedirect];
        }
        if (distribution.array(hooks.beforeRetry)) {
            result.hooks.beforeRetry = [...hooks.beforeRetry];
        }
        if (distribution.array(hooks.beforeCache)) {
            result.hooks.beforeCache = [...hooks.beforeCache];
        }
        if (distribution.array(hooks.afterResponse)) {
            result.hooks.afterResponse = [...hooks.afterResponse];
        }
    }
    if (raw.searchParams) {
        if (distribution.string(raw.searchParams)) {
            result.searchParams = raw.searchParams;
        }
        else if (raw.searchParams instanceof URLSearchParams) {
            result.searchParams = new URLSearchParams(raw.searchParams);
        }
        else if (distribution.object(raw.searchParams)) {
            result.searchParams = { ...raw.searchParams };
        }
    }
    if (distribution.object(raw.pagination)) {
        result.pagination = { ...raw.pagination };
    }
    return result;
};
const getHttp2TimeoutOption = (internals) => {
    const delays = [internals.timeout.socket, internals.timeout.connect, internals.timeout.lookup, internals.timeout.request, internals.timeout.secureConnect].filter(delay => typeof delay === 'number');
    if (delays.length > 0) {
        return Math.min(...delays);
    }
    return undefined;
};
const init = (options, withOptions, self) => {
    const initHooks = options.hooks?.init;
    if (initHooks) {
        for (const hook of initHooks) {
            hook(withOptions, self);
        }
    }
};
class Options {
    _unixOptions;
    _internals;
    _merging = false;
    _init;
    constructor(input, options, defaults) {
        options_assertAny('input', [distribution.string, distribution.urlInstance, distribution.object, distribution.undefined], input);
        options_assertAny('options', [distribution.object, distribution.undefined], options);
        options_assertAny('defaults', [distribution.object, distribution.undefined], defaults);
        if (input instanceof Options || options instanceof Options) {
            throw new TypeError('The defaults must be passed as the third argument');
        }
        this._internals = cloneInternals(defaults?._internals ?? defaults ?? defaultInternals);
        this._init = [...(defaults?._init ?? [])];
        // This rule allows `finally` to be considered more important.
        // Meaning no matter the error thrown in the `try` block,
        // if `finally` throws then the `finally` error will be thrown.
        //
        // Yes, we want this. If we set `url` first, then the `url.searchParams`
        // would get merged. Instead we set the `searchParams` first, then
        // `url.searchParams` is overwritten as expected.
        //
        /* eslint-disable no-unsafe-finally */
        try {
            if (distribution.plainObject(input)) {
                try {
                    this.merge(input);
                    this.merge(options);
                }
                finally {
                    this.url = input.url;
                }
            }
            else {
                try {
                    this.merge(options);
                }
                finally {
                    if (options?.url !== undefined) {
                        if (input === undefined) {
                            this.url = options.url;
                        }
                        else {
                            throw new TypeError('The `url` option is mutually exclusive with the `input` argument');
                        }
                    }
                    else if (input !== undefined) {
                        this.url = input;
                    }
                }
            }
        }
        catch (error) {
            error.options = this;
            throw error;
        }
        /* eslint-enable no-unsafe-finally */
    }
    merge(options) {
        if (!options) {
            return;
        }
        if (options instanceof Options) {
            // Create a copy of the _init array to avoid infinite loop
            // when merging an Options instance with itself
            const initArray = [...options._init];
            for (const init of initArray) {
                this.merge(init);
            }
            return;
        }
        options = cloneRaw(options);
        init(this, options, this);
        init(options, options, this);
        this._merging = true;
        // Always merge `isStream` first
        if ('isStream' in options) {
            this.isStream = options.isStream;
        }
        try {
            let push = false;
            for (const key in options) {
                // `got.extend()` options
                if (key === 'mutableDefaults' || key === 'handlers') {
                    continue;
                }
                // Never merge `url`
                if (key === 'url') {
                    continue;
                }
                // Never merge `preserveHooks` - it's a control flag, not a persistent option
                if (key === 'preserveHooks') {
                    continue;
                }
                if (!(key in this)) {
                    throw new Error(`Unexpected option: ${key}`);
                }
                // @ts-expect-error Type 'unknown' is not assignable to type 'never'.
                const value = options[key];
                if (value === undefined) {
                    continue;
                }
                // @ts-expect-error Type 'unknown' is not assignable to type 'never'.
                this[key] = value;
                push = true;
            }
            if (push) {
                this._init.push(options);
            }
        }
        finally {
            this._merging = false;
        }
    }
    /**
    Custom request function.
    The main purpose of this is to [support HTTP2 using a wrapper](https://github.com/szmarczak/http2-wrapper).

    @default http.request | https.request
    */
    get request() {
        return this._internals.request;
    }
    set request(value) {
        options_assertAny('request', [distribution.function, distribution.undefined], value);
        this._internals.request = value;
    }
    /**
    An object representing `http`, `https` and `http2` keys for [`http.Agent`](https://nodejs.org/api/http.html#http_class_http_agent), [`https.Agent`](https://nodejs.org/api/https.html#https_class_https_agent) and [`http2wrapper.Agent`](https://github.com/szmarczak/http2-wrapper#new-http2agentoptions) instance.
    This is necessary because a request to one protocol might redirect to another.
    In such a scenario, Got will switch over to the right protocol agent for you.

    If a key is not present, it will default to a global agent.

    @example
    ```
    import got from 'got';
    import HttpAgent from 'agentkeepalive';

    const {HttpsAgent} = HttpAgent;

    await got('https://sindresorhus.com', {
        agent: {
            http: new HttpAgent(),
            https: new HttpsAgent()
        }
    });
    ```
    */
    get agent() {
        return this._internals.agent;
    }
    set agent(value) {
        options_assertPlainObject('agent', value);
        // eslint-disable-next-line guard-for-in
        for (const key in value) {
            if (!(key in this._internals.agent)) {
                throw new TypeError(`Unexpected agent option: ${key}`);
            }
            // @ts-expect-error - No idea why `value[key]` doesn't work here.
            options_assertAny(`agent.${key}`, [distribution.object, distribution.undefined, (v) => v === false], value[key]);
        }
        if (this._merging) {
            Object.assign(this._internals.agent, value);
        }
        else {
            this._internals.agent = { ...value };
        }
    }
    get h2session() {
        return this._internals.h2session;
    }
    set h2session(value) {
        this._internals.h2session = value;
    }
    /**
    Decompress the response automatically.

    This will set the `accept-encoding` header to `gzip, deflate, br` unless you set it yourself.

    If this is disabled, a compressed response is returned as a `Buffer`.
    This may be useful if you want to handle decompression yourself or stream the raw compressed data.

    @default true
    */
    get decompress() {
        return this._internals.decompress;
    }
    set decompress(value) {
        assert.boolean(value);
        this._internals.decompress = value;
    }
    /**
    Milliseconds to wait for the server to end the response before aborting the request with `got.TimeoutError` error (a.k.a. `request` property).
    By default, there's no timeout.

    This also accepts an `object` with the following fields to constrain the duration of each phase of the request lifecycle:

    - `lookup` starts when a socket is assigned and ends when the hostname has been resolved.
        Does not apply when using a Unix domain socket.
    - `connect` starts when `lookup` completes (or when the socket is assigned if lookup does not apply to the request) and ends when the socket is connected.
    - `secureConnect` starts when `connect` completes and ends when the handshaking process completes (HTTPS only).
    - `socket` starts when the socket is connected. See [request.setTimeout](https://nodejs.org/api/http.html#http_request_settimeout_timeout_callback).
    - `response` starts when the request has been written to the socket and ends when the response headers are received.
    - `send` starts when the socket is connected and ends with the request has been written to the socket.
    - `request` starts when the request is initiated and ends when the response's end event fires.
    */
    get timeout() {
        // We always return `Delays` here.
        // It has to be `Delays | number`, otherwise TypeScript will error because the getter and the setter have incompatible types.
        return this._internals.timeout;
    }
    set timeout(value) {
        options_assertPlainObject('timeout', value);
        // eslint-disable-next-line guard-for-in
        for (const key in value) {
            if (!(key in this._internals.timeout)) {
                throw new Error(`Unexpected timeout option: ${key}`);
            }
            // @ts-expect-error - No idea why `value[key]` doesn't work here.
            options_assertAny(`timeout.${key}`, [distribution.number, distribution.undefined], value[key]);
        }
        if (this._merging) {
            Object.assign(this._internals.timeout, value);
        }
        else {
            this._internals.timeout = { ...value };
        }
    }
    /**
    When specified, `prefixUrl` will be prepended to `url`.
    The prefix can be any valid URL, either relative or absolute.
    A trailing slash `/` is optional - one will be added automatically.

    __Note__: `prefixUrl` will be ignored if the `url` argument is a URL instance.

    __Note__: Leading slashes in `input` are disallowed when using this option to enforce consistency and avoid confusion.
    For example, when the prefix URL is `https://example.com/foo` and the input is `/bar`, there's ambiguity whether the resulting URL would become `https://example.com/foo/bar` or `https://example.com/bar`.
    The latter is used by browsers.

    __Tip__: Useful when used with `got.extend()` to create niche-specific Got instances.

    __Tip__: You can change `prefixUrl` using hooks as long as the URL still includes the `prefixUrl`.
    If the URL doesn't include it anymore, it will throw.

    @example
    ```
    import got from 'got';

    await got('unicorn', {prefixUrl: 'https://cats.com'});
    //=> 'https://cats.com/unicorn'

    const instance = got.extend({
        prefixUrl: 'https://google.com'
    });

    await instance('unicorn', {
        hooks: {
            beforeRequest: [
                options => {
                    options.prefixUrl = 'https://cats.com';
                }
            ]
        }
    });
    //=> 'https://cats.com/unicorn'
    ```
    */
    get prefixUrl() {
        // We always return `string` here.
        // It has to be `string | URL`, otherwise TypeScript will error because the getter and the setter have incompatible types.
        return this._internals.prefixUrl;
    }
    set prefixUrl(value) {
        options_assertAny('prefixUrl', [distribution.string, distribution.urlInstance], value);
        if (value === '') {
            this._internals.prefixUrl = '';
            return;
        }
        value = value.toString();
        if (!value.endsWith('/')) {
            value += '/';
        }
        if (this._internals.prefixUrl && this._internals.url) {
            const { href } = this._internals.url;
            this._internals.url.href = value + href.slice(this._internals.prefixUrl.length);
        }
        this._internals.prefixUrl = value;
    }
    /**
    __Note #1__: The `body` option cannot be used with the `json` or `form` option.

    __Note #2__: If you provide this option, `got.stream()` will be read-only.

    __Note #3__: If you provide a payload with the `GET` or `HEAD` method, it will throw a `TypeError` unless the method is `GET` and the `allowGetBody` option is set to `true`.

    __Note #4__: This option is not enumerable and will not be merged with the instance defaults.

    The `content-length` header will be automatically set if `body` is a `string` / `Buffer` / typed array ([`Uint8Array`](https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Uint8Array), etc.) / [`FormData`](https://developer.mozilla.org/en-US/docs/Web/API/FormData) / [`form-data` instance](https://github.com/form-data/form-data), and `content-length` and `transfer-encoding` are not manually set in `options.headers`.

    Since Got 12, the `content-length` is not automatically set when `body` is a `fs.createReadStream`.

    You can use `Iterable` and `AsyncIterable` objects as request body, including Web [`ReadableStream`](https://developer.mozilla.org/en-US/docs/Web/API/ReadableStream):

    @example
    ```
    import got from 'got';

    // Using an async generator
    async function* generateData() {
        yield 'Hello, ';
        yield 'world!';
    }

    await got.post('https://httpbin.org/anything', {
        body: generateData()
    });
    ```
    */
    get body() {
        return this._internals.body;
    }
    set body(value) {
        options_assertAny('body', [distribution.string, distribution.buffer, distribution.nodeStream, distribution.generator, distribution.asyncGenerator, distribution.iterable, distribution.asyncIterable, lib_isFormData, distribution.typedArray, distribution.undefined], value);
        if (distribution.nodeStream(value)) {
            assert.truthy(value.readable);
        }
        if (value !== undefined) {
            assert.undefined(this._internals.form);
            assert.undefined(this._internals.json);
        }
        this._internals.body = value;
    }
    /**
    The form body is converted to a query string using [`(new URLSearchParams(object)).toString()`](https://nodejs.org/api/url.html#url_constructor_new_urlsearchparams_obj).

    If the `Content-Type` header is not present, it will be set to `application/x-www-form-urlencoded`.

    __Note #1__: If you provide this option, `got.stream()` will be read-only.

    __Note #2__: This option is not enumerable and will not be merged with the instance defaults.
    */
    get form() {
        return this._internals.form;
    }
    set form(value) {
        options_assertAny('form', [distribution.plainObject, distribution.undefined], value);
        if (value !== undefined) {
            assert.undefined(this._internals.body);
            assert.undefined(this._internals.json);
        }
        this._internals.form = value;
    }
    /**
    JSON request body. If the `content-type` header is not set, it will be set to `application/json`.

    __Important__: This option only affects the request body you send to the server. To parse the response as JSON, you must either call `.json()` on the promise or set `responseType: 'json'` in the options.

    __Note #1__: If you provide this option, `got.stream()` will be read-only.

    __Note #2__: This option is not enumerable and will not be merged with the instance defaults.
    */
    get json() {
        return this._internals.json;
    }
    set json(value) {
        if (value !== undefined) {
            assert.undefined(this._internals.body);
            assert.undefined(this._internals.form);
        }
        this._internals.json = value;
    }
    /**
    The URL to request, as a string, a [`https.request` options object](https://nodejs.org/api/https.html#https_https_request_options_callback), or a [WHATWG `URL`](https://nodejs.org/api/url.html#url_class_url).

    Properties from `options` will override properties in the parsed `url`.

    If no protocol is specified, it will throw a `TypeError`.

    __Note__: The query string is **not** parsed as search params.

    @example
    ```
    await got('https://example.com/?query=a b'); //=> https://example.com/?query=a%20b
    await got('https://example.com/', {searchParams: {query: 'a b'}}); //=> https://example.com/?query=a+b

    // The query string is overridden by `searchParams`
    await got('https://example.com/?query=a b', {searchParams: {query: 'a b'}}); //=> https://example.com/?query=a+b
    ```
    */
    get url() {
        return this._internals.url;
    }
    set url(value) {
        options_assertAny('url', [distribution.string, distribution.urlInstance, distribution.undefined], value);
        if (value === undefined) {
            this._internals.url = undefined;
            return;
        }
        if (distribution.string(value) && value.startsWith('/')) {
            throw new Error('`url` must not start with a slash');
        }
        // Detect if URL is already absolute (has a protocol/scheme)
        const valueString = value.toString();
        const isAbsolute = distribution.urlInstance(value) || /^[a-z][a-z\d+.-]*:\/\//i.test(valueString);
        // Only concatenate prefixUrl if the URL is relative
        const urlString = isAbsolute ? valueString : `${this.prefixUrl}${valueString}`;
        const url = new URL(urlString);
        this._internals.url = url;
        if (url.protocol === 'unix:') {
            url.href = `http://unix${url.pathname}${url.search}`;
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            const error = new Error(`Unsupported protocol: ${url.protocol}`);
            error.code = 'ERR_UNSUPPORTED_PROTOCOL';
            throw error;
        }
        if (this._internals.username) {
            url.username = this._internals.username;
            this._internals.username = '';
        }
        if (this._internals.password) {
            url.password = this._internals.password;
            this._internals.password = '';
        }
        if (this._internals.searchParams) {
            url.search = this._internals.searchParams.toString();
            this._internals.searchParams = undefined;
        }
        if (url.hostname === 'unix') {
            if (!this._internals.enableUnixSockets) {
                throw new Error('Using UNIX domain sockets but option `enableUnixSockets` is not enabled');
            }
            const matches = /(?<socketPath>.+?):(?<path>.+)/.exec(`${url.pathname}${url.search}`);
            if (matches?.groups) {
                const { socketPath, path } = matches.groups;
                this._unixOptions = {
                    socketPath,
                    path,
                    host: '',
                };
            }
            else {
                this._unixOptions = undefined;
            }
            return;
        }
        this._unixOptions = undefined;
    }
    /**
    Cookie support. You don't have to care about parsing or how to store them.

    __Note__: If you provide this option, `options.headers.cookie` will be overridden.
    */
    get cookieJar() {
        return this._internals.cookieJar;
    }
    set cookieJar(value) {
        options_assertAny('cookieJar', [distribution.object, distribution.undefined], value);
        if (value === undefined) {
            this._internals.cookieJar = undefined;
            return;
        }
        let { setCookie, getCookieString } = value;
        assert.function(setCookie);
        assert.function(getCookieString);
        /* istanbul ignore next: Horrible `tough-cookie` v3 check */
        if (setCookie.length === 4 && getCookieString.length === 0) {
            setCookie = (0,external_node_util_namespaceObject.promisify)(setCookie.bind(value));
            getCookieString = (0,external_node_util_namespaceObject.promisify)(getCookieString.bind(value));
            this._internals.cookieJar = {
                setCookie,
                getCookieString: getCookieString,
            };
        }
        else {
            this._internals.cookieJar = value;
        }
    }
    /**
    You can abort the `request` using [`AbortController`](https://developer.mozilla.org/en-US/docs/Web/API/AbortController).

    @example
    ```
    import got from 'got';

    const abortController = new AbortController();

    const request = got('https://httpbin.org/anything', {
        signal: abortController.signal
    });

    setTimeout(() => {
        abortController.abort();
    }, 100);
    ```
    */
    get signal() {
        return this._internals.signal;
    }
    set signal(value) {
        assert.object(value);
        this._internals.signal = value;
    }
    /**
    Ignore invalid cookies instead of throwing an error.
    Only useful when the `cookieJar` option has been set. Not recommended.

    @default false
    */
    get ignoreInvalidCookies() {
        return this._internals.ignoreInvalidCookies;
    }
    set ignoreInvalidCookies(value) {
        assert.boolean(value);
        this._internals.ignoreInvalidCookies = value;
    }
    /**
    Query string that will be added to the request URL.
    This will override the query string in `url`.

    If you need to pass in an array, you can do it using a `URLSearchParams` instance.

    @example
    ```
    import got from 'got';

    const searchParams = new URLSearchParams([['key', 'a'], ['key', 'b']]);

    await got('https://example.com', {searchParams});

    console.log(searchParams.toString());
    //=> 'key=a&key=b'
    ```
    */
    get searchParams() {
        if (this._internals.url) {
            return this._internals.url.searchParams;
        }
        if (this._internals.searchParams === undefined) {
            this._internals.searchParams = new URLSearchParams();
        }
        return this._internals.searchParams;
    }
    set searchParams(value) {
        options_assertAny('searchParams', [distribution.string, distribution.object, distribution.undefined], value);
        const url = this._internals.url;
        if (value === undefined) {
            this._internals.searchParams = undefined;
            if (url) {
                url.search = '';
            }
            return;
        }
        const searchParameters = this.searchParams;
        let updated;
        if (distribution.string(value)) {
            updated = new URLSearchParams(value);
        }
        else if (value instanceof URLSearchParams) {
            updated = value;
        }
        else {
            validateSearchParameters(value);
            updated = new URLSearchParams();
            // eslint-disable-next-line guard-for-in
            for (const key in value) {
                const entry = value[key];
                if (entry === null) {
                    updated.append(key, '');
                }
                else if (entry === undefined) {
                    searchParameters.delete(key);
                }
                else {
                    updated.append(key, entry);
                }
            }
        }
        if (this._merging) {
            // These keys will be replaced
            for (const key of updated.keys()) {
                searchParameters.delete(key);
            }
            for (const [key, value] of updated) {
                searchParameters.append(key, value);
            }
        }
        else if (url) {
            url.search = searchParameters.toString();
        }
        else {
            this._internals.searchParams = searchParameters;
        }
    }
    get searchParameters() {
        throw new Error('The `searchParameters` option does not exist. Use `searchParams` instead.');
    }
    set searchParameters(_value) {
        throw new Error('The `searchParameters` option does not exist. Use `searchParams` instead.');
    }
    get dnsLookup() {
        return this._internals.dnsLookup;
    }
    set dnsLookup(value) {
        options_assertAny('dnsLookup', [distribution.function, distribution.undefined], value);
        this._internals.dnsLookup = value;
    }
    /**
    An instance of [`CacheableLookup`](https://github.com/szmarczak/cacheable-lookup) used for making DNS lookups.
    Useful when making lots of requests to different *public* hostnames.

    `CacheableLookup` uses `dns.resolver4(..)` and `dns.resolver6(...)` under the hood and fall backs to `dns.lookup(...)` when the first two fail, which may lead to additional delay.

    __Note__: This should stay disabled when making requests to internal hostnames such as `localhost`, `database.local` etc.

    @default false
    */
    get dnsCache() {
        return this._internals.dnsCache;
    }
    set dnsCache(value) {
        options_assertAny('dnsCache', [distribution.object, distribution.boolean, distribution.undefined], value);
        if (value === true) {
            this._internals.dnsCache = getGlobalDnsCache();
        }
        else if (value === false) {
            this._internals.dnsCache = undefined;
        }
        else {
            this._internals.dnsCache = value;
        }
    }
    /**
    User data. `context` is shallow merged and enumerable. If it contains non-enumerable properties they will NOT be merged.

    @example
    ```
    import got from 'got';

    const instance = got.extend({
        hooks: {
            beforeRequest: [
                options => {
                    if (!options.context || !options.context.token) {
                        throw new Error('Token required');
                    }

                    options.headers.token = options.context.token;
                }
            ]
        }
    });

    const context = {
        token: 'secret'
    };

    const response = await instance('https://httpbin.org/headers', {context});

    // Let's see the headers
    console.log(response.body);
    ```
    */
    get context() {
        return this._internals.context;
    }
    set context(value) {
        assert.object(value);
        if (this._merging) {
            Object.assign(this._internals.context, value);
        }
        else {
            this._internals.context = { ...value };
        }
    }
    /**
    Hooks allow modifications during the request lifecycle.
    Hook functions may be async and are run serially.
    */
    get hooks() {
        return this._internals.hooks;
    }
    set hooks(value) {
        assert.object(value);
        // eslint-disable-next-line guard-for-in
        for (const knownHookEvent in value) {
            if (!(knownHookEvent in this._internals.hooks)) {
                throw new Error(`Unexpected hook event: ${knownHookEvent}`);
            }
            const typedKnownHookEvent = knownHookEvent;
            const hooks = value[typedKnownHookEvent];
            options_assertAny(`hooks.${knownHookEvent}`, [distribution.array, distribution.undefined], hooks);
            if (hooks) {
                for (const hook of hooks) {
                    assert.function(hook);
                }
            }
            if (this._merging) {
                if (hooks) {
                    // @ts-expect-error FIXME
                    this._internals.hooks[typedKnownHookEvent].push(...hooks);
                }
            }
            else {
                if (!hooks) {
                    throw new Error(`Missing hook event: ${knownHookEvent}`);
                }
                // @ts-expect-error FIXME
                this._internals.hooks[knownHookEvent] = [...hooks];
            }
        }
    }
    /**
    Whether redirect responses should be followed automatically.

    Optionally, pass a function to dynamically decide based on the response object.

    Note that if a `303` is sent by the server in response to any request type (`POST`, `DELETE`, etc.), Got will automatically request the resource pointed to in the location header via `GET`.
    This is in accordance with [the spec](https://tools.ietf.org/html/rfc7231#section-6.4.4). You can optionally turn on this behavior also for other redirect codes - see `methodRewriting`.

    @default true
    */
    get followRedirect() {
        return this._internals.followRedirect;
    }
    set followRedirect(value) {
        options_assertAny('followRedirect', [distribution.boolean, distribution.function], value);
        this._internals.followRedirect = value;
    }
    get followRedirects() {
        throw new TypeError('The `followRedirects` option does not exist. Use `followRedirect` instead.');
    }
    set followRedirects(_value) {
        throw new TypeError('The `followRedirects` option does not exist. Use `followRedirect` instead.');
    }
    /**
    If exceeded, the request will be aborted and a `MaxRedirectsError` will be thrown.

    @default 10
    */
    get maxRedirects() {
        return this._internals.maxRedirects;
    }
    set maxRedirects(value) {
        assert.number(value);
        this._internals.maxRedirects = value;
    }
    /**
    A cache adapter instance for storing cached response data.

    @default false
    */
    get cache() {
        return this._internals.cache;
    }
    set cache(value) {
        options_assertAny('cache', [distribution.object, distribution.string, distribution.boolean, distribution.undefined], value);
        if (value === true) {
            this._internals.cache = globalCache;
        }
        else if (value === false) {
            this._internals.cache = undefined;
        }
        else {
            this._internals.cache = wrapQuickLruIfNeeded(value);
        }
    }
    /**
    Determines if a `got.HTTPError` is thrown for unsuccessful responses.

    If this is disabled, requests that encounter an error status code will be resolved with the `response` instead of throwing.
    This may be useful if you are checking for resource availability and are expecting error responses.

    @default true
    */
    get throwHttpErrors() {
        return this._internals.throwHttpErrors;
    }
    set throwHttpErrors(value) {
        assert.boolean(value);
        this._internals.throwHttpErrors = value;
    }
    get username() {
        const url = this._internals.url;
        const value = url ? url.username : this._internals.username;
        return decodeURIComponent(value);
    }
    set username(value) {
        assert.string(value);
        const url = this._internals.url;
        const fixedValue = encodeURIComponent(value);
        if (url) {
            url.username = fixedValue;
        }
        else {
            this._internals.username = fixedValue;
        }
    }
    get password() {
        const url = this._internals.url;
        const value = url ? url.password : this._internals.password;
        return decodeURIComponent(value);
    }
    set password(value) {
        assert.string(value);
        const url = this._internals.url;
        const fixedValue = encodeURIComponent(value);
        if (url) {
            url.password = fixedValue;
        }
        else {
            this._internals.password = fixedValue;
        }
    }
    /**
    If set to `true`, Got will additionally accept HTTP2 requests.

    It will choose either HTTP/1.1 or HTTP/2 depending on the ALPN protocol.

    __Note__: This option requires Node.js 15.10.0 or newer as HTTP/2 support on older Node.js versions is very buggy.

    __Note__: Overriding `options.request` will disable HTTP2 support.

    @default false

    @example
    ```
    import got from 'got';

    const {headers} = await got('https://nghttp2.org/httpbin/anything', {http2: true});

    console.log(headers.via);
    //=> '2 nghttpx'
    ```
    */
    get http2() {
        return this._internals.http2;
    }
    set http2(value) {
        assert.boolean(value);
        this._internals.http2 = value;
    }
    /**
    Set this to `true` to allow sending body for the `GET` method.
    However, the [HTTP/2 specification](https://tools.ietf.org/html/rfc7540#section-8.1.3) says that `An HTTP GET request includes request header fields and no payload body`, therefore when using the HTTP/2 protocol this option will have no effect.
    This option is only meant to interact with non-compliant servers when you have no other choice.

    __Note__: The [RFC 7231](https://tools.ietf.org/html/rfc7231#section-4.3.1) doesn't specify any particular behavior for the GET method having a payload, therefore __it's considered an [anti-pattern](https://en.wikipedia.org/wiki/Anti-pattern)__.

    @default false
    */
    get allowGetBody() {
        return this._internals.allowGetBody;
    }
    set allowGetBody(value) {
        assert.boolean(value);
        this._internals.allowGetBody = value;
    }
    /**
    Automatically copy headers from piped streams.

    When piping a request into a Got stream (e.g., `request.pipe(got.stream(url))`), this controls whether headers from the source stream are automatically merged into the Got request headers.

    Note: Piped headers overwrite any explicitly set headers with the same name. To override this, either set `copyPipedHeaders` to `false` and manually copy safe headers, or use a `beforeRequest` hook to force specific header values after piping.

    Useful for proxy scenarios, but you may want to disable this to filter out headers like `Host`, `Connection`, `Authorization`, etc.

    @default true

    @example
    ```
    import got from 'got';
    import {pipeline} from 'node:stream/promises';

    // Disable automatic header copying and manually copy only safe headers
    server.get('/proxy', async (request, response) => {
        const gotStream = got.stream('https://example.com', {
            copyPipedHeaders: false,
            headers: {
                'user-agent': request.headers['user-agent'],
                'accept': request.headers['accept'],
                // Explicitly NOT copying host, connection, authorization, etc.
            }
        });

        await pipeline(request, gotStream, response);
    });
    ```

    @example
    ```
    import got from 'got';

    // Override piped headers using beforeRequest hook
    const gotStream = got.stream('https://example.com', {
        hooks: {
            beforeRequest: [
                options => {
                    // Force specific header values after piping
                    options.headers.host = 'example.com';
                    delete options.headers.authorization;
                }
            ]
        }
    });
    ```
    */
    get copyPipedHeaders() {
        return this._internals.copyPipedHeaders;
    }
    set copyPipedHeaders(value) {
        assert.boolean(value);
        this._internals.copyPipedHeaders = value;
    }
    /**
    Request headers.

    Existing headers will be overwritten. Headers set to `undefined` will be omitted.

    @default {}
    */
    get headers() {
        return this._internals.headers;
    }
    set headers(value) {
        options_assertPlainObject('headers', value);
        if (this._merging) {
            Object.assign(this._internals.headers, lowercaseKeys(value));
        }
        else {
            this._internals.headers = lowercaseKeys(value);
        }
    }
    /**
    Specifies if the HTTP request method should be [rewritten as `GET`](https://tools.ietf.org/html/rfc7231#section-6.4) on redirects.

    As the [specification](https://tools.ietf.org/html/rfc7231#section-6.4) prefers to rewrite the HTTP method only on `303` responses, this is Got's default behavior.
    Setting `methodRewriting` to `true` will also rewrite `301` and `302` responses, as allowed by the spec. This is the behavior followed by `curl` and browsers.

    __Note__: Got never performs method rewriting on `307` and `308` responses, as this is [explicitly prohibited by the specification](https://www.rfc-editor.org/rfc/rfc7231#section-6.4.7).

    @default false
    */
    get methodRewriting() {
        return this._internals.methodRewriting;
    }
    set methodRewriting(value) {
        assert.boolean(value);
        this._internals.methodRewriting = value;
    }
    /**
    Indicates which DNS record family to use.

    Values:
    - `undefined`: IPv4 (if present) or IPv6
    - `4`: Only IPv4
    - `6`: Only IPv6

    @default undefined
    */
    get dnsLookupIpVersion() {
        return this._internals.dnsLookupIpVersion;
    }
    set dnsLookupIpVersion(value) {
        if (value !== undefined && value !== 4 && value !== 6) {
            throw new TypeError(`Invalid DNS lookup IP version: ${value}`);
        }
        this._internals.dnsLookupIpVersion = value;
    }
    /**
    A function used to parse JSON responses.

    @example
    ```
    import got from 'got';
    import Bourne from '@hapi/bourne';

    const parsed = await got('https://example.com', {
        parseJson: text => Bourne.parse(text)
    }).json();

    console.log(parsed);
    ```
    */
    get parseJson() {
        return this._internals.parseJson;
    }
    set parseJson(value) {
        assert.function(value);
        this._internals.parseJson = value;
    }
    /**
    A function used to stringify the body of JSON requests.

    @example
    ```
    import got from 'got';

    await got.post('https://example.com', {
        stringifyJson: object => JSON.stringify(object, (key, value) => {
            if (key.startsWith('_')) {
                return;
            }

            return value;
        }),
        json: {
            some: 'payload',
            _ignoreMe: 1234
        }
    });
    ```

    @example
    ```
    import got from 'got';

    await got.post('https://example.com', {
        stringifyJson: object => JSON.stringify(object, (key, value) => {
            if (typeof value === 'number') {
                return value.toString();
            }

            return value;
        }),
        json: {
            some: 'payload',
            number: 1
        }
    });
    ```
    */
    get stringifyJson() {
        return this._internals.stringifyJson;
    }
    set stringifyJson(value) {
        assert.function(value);
        this._internals.stringifyJson = value;
    }
    /**
    An object representing `limit`, `calculateDelay`, `methods`, `statusCodes`, `maxRetryAfter` and `errorCodes` fields for maximum retry count, retry handler, allowed methods, allowed status codes, maximum [`Retry-After`](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Retry-After) time and allowed error codes.

    Delays between retries counts with function `1000 * Math.pow(2, retry) + Math.random() * 100`, where `retry` is attempt number (starts from 1).

    The `calculateDelay` property is a `function` that receives an object with `attemptCount`, `retryOptions`, `error` and `computedValue` properties for current retry count, the retry options, error and default computed value.
    The function must return a delay in milliseconds (or a Promise resolving with it) (`0` return value cancels retry).

    The `enforceRetryRules` property is a `boolean` that, when set to `true`, enforces the `limit`, `methods`, `statusCodes`, and `errorCodes` options before calling `calculateDelay`. Your `calculateDelay` function is only invoked when a retry is allowed based on these criteria. When `false` (default), `calculateDelay` receives the computed value but can override all retry logic.

    __Note:__ When `enforceRetryRules` is `false`, you must check `computedValue` in your `calculateDelay` function to respect the default retry logic. When `true`, the retry rules are enforced automatically.

    By default, it retries *only* on the specified methods, status codes, and on these network errors:

    - `ETIMEDOUT`: One of the [timeout](#timeout) limits were reached.
    - `ECONNRESET`: Connection was forcibly closed by a peer.
    - `EADDRINUSE`: Could not bind to any free port.
    - `ECONNREFUSED`: Connection was refused by the server.
    - `EPIPE`: The remote side of the stream being written has been closed.
    - `ENOTFOUND`: Couldn't resolve the hostname to an IP address.
    - `ENETUNREACH`: No internet connection.
    - `EAI_AGAIN`: DNS lookup timed out.

    __Note__: If `maxRetryAfter` is set to `undefined`, it will use `options.timeout`.
    __Note__: If [`Retry-After`](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Retry-After) header is greater than `maxRetryAfter`, it will cancel the request.
    */
    get retry() {
        return this._internals.retry;
    }
    set retry(value) {
        options_assertPlainObject('retry', value);
        options_assertAny('retry.calculateDelay', [distribution.function, distribution.undefined], value.calculateDelay);
        options_assertAny('retry.maxRetryAfter', [distribution.number, distribution.undefined], value.maxRetryAfter);
        options_assertAny('retry.limit', [distribution.number, distribution.undefined], value.limit);
        options_assertAny('retry.methods', [distribution.array, distribution.undefined], value.methods);
        options_assertAny('retry.statusCodes', [distribution.array, distribution.undefined], value.statusCodes);
        options_assertAny('retry.errorCodes', [distribution.array, distribution.undefined], value.errorCodes);
        options_assertAny('retry.noise', [distribution.number, distribution.undefined], value.noise);
        options_assertAny('retry.enforceRetryRules', [distribution.boolean, distribution.undefined], value.enforceRetryRules);
        if (value.noise && Math.abs(value.noise) > 100) {
            throw new Error(`The maximum acceptable retry noise is +/- 100ms, got ${value.noise}`);
        }
        for (const key in value) {
            if (!(key in this._internals.retry)) {
                throw new Error(`Unexpected retry option: ${key}`);
            }
        }
        if (this._merging) {
            Object.assign(this._internals.retry, value);
        }
        else {
            this._internals.retry = { ...value };
        }
        const { retry } = this._internals;
        retry.methods = [...new Set(retry.methods.map(method => method.toUpperCase()))];
        retry.statusCodes = [...new Set(retry.statusCodes)];
        retry.errorCodes = [...new Set(retry.errorCodes)];
    }
    /**
    From `http.RequestOptions`.

    The IP address used to send the request from.
    */
    get localAddress() {
        return this._internals.localAddress;
    }
    set localAddress(value) {
        options_assertAny('localAddress', [distribution.string, distribution.undefined], value);
        this._internals.localAddress = value;
    }
    /**
    The HTTP method used to make the request.

    @default 'GET'
    */
    get method() {
        return this._internals.method;
    }
    set method(value) {
        assert.string(value);
        this._internals.method = value.toUpperCase();
    }
    get createConnection() {
        return this._internals.createConnection;
    }
    set createConnection(value) {
        options_assertAny('createConnection', [distribution.function, distribution.undefined], value);
        this._internals.createConnection = value;
    }
    /**
    From `http-cache-semantics`

    @default {}
    */
    get cacheOptions() {
        return this._internals.cacheOptions;
    }
    set cacheOptions(value) {
        options_assertPlainObject('cacheOptions', value);
        options_assertAny('cacheOptions.shared', [distribution.boolean, distribution.undefined], value.shared);
        options_assertAny('cacheOptions.cacheHeuristic', [distribution.number, distribution.undefined], value.cacheHeuristic);
        options_assertAny('cacheOptions.immutableMinTimeToLive', [distribution.number, distribution.undefined], value.immutableMinTimeToLive);
        options_assertAny('cacheOptions.ignoreCargoCult', [distribution.boolean, distribution.undefined], value.ignoreCargoCult);
        for (const key in value) {
            if (!(key in this._internals.cacheOptions)) {
                throw new Error(`Cache option \`${key}\` does not exist`);
            }
        }
        if (this._merging) {
            Object.assign(this._internals.cacheOptions, value);
        }
        else {
            this._internals.cacheOptions = { ...value };
        }
    }
    /**
    Options for the advanced HTTPS API.
    */
    get https() {
        return this._internals.https;
    }
    set https(value) {
        options_assertPlainObject('https', value);
        options_assertAny('https.rejectUnauthorized', [distribution.boolean, distribution.undefined], value.rejectUnauthorized);
        options_assertAny('https.checkServerIdentity', [distribution.function, distribution.undefined], value.checkServerIdentity);
        options_assertAny('https.serverName', [distribution.string, distribution.undefined], value.serverName);
        options_assertAny('https.certificateAuthority', [distribution.string, distribution.object, distribution.array, distribution.undefined], value.certificateAuthority);
        options_assertAny('https.key', [distribution.string, distribution.object, distribution.array, distribution.undefined], value.key);
        options_assertAny('https.certificate', [distribution.string, distribution.object, distribution.array, distribution.undefined], value.certificate);
        options_assertAny('https.passphrase', [distribution.string, distribution.undefined], value.passphrase);
        options_assertAny('https.pfx', [distribution.string, distribution.buffer, distribution.array, distribution.undefined], value.pfx);
        options_assertAny('https.alpnProtocols', [distribution.array, distribution.undefined], value.alpnProtocols);
        options_assertAny('https.ciphers', [distribution.string, distribution.undefined], value.ciphers);
        options_assertAny('https.dhparam', [distribution.string, distribution.buffer, distribution.undefined], value.dhparam);
        options_assertAny('https.signatureAlgorithms', [distribution.string, distribution.undefined], value.signatureAlgorithms);
        options_assertAny('https.minVersion', [distribution.string, distribution.undefined], value.minVersion);
        options_assertAny('https.maxVersion', [distribution.string, distribution.undefined], value.maxVersion);
        options_assertAny('https.honorCipherOrder', [distribution.boolean, distribution.undefined], value.honorCipherOrder);
        options_assertAny('https.tlsSessionLifetime', [distribution.number, distribution.undefined], value.tlsSessionLifetime);
        options_assertAny('https.ecdhCurve', [distribution.string, distribution.undefined], value.ecdhCurve);
        options_assertAny('https.certificateRevocationLists', [distribution.string, distribution.buffer, distribution.array, distribution.undefined], value.certificateRevocationLists);
        options_assertAny('https.secureOptions', [distribution.number, distribution.undefined], value.secureOptions);
        for (const key in value) {
            if (!(key in this._internals.https)) {
                throw new Error(`HTTPS option \`${key}\` does not exist`);
            }
        }
        if (this._merging) {
            Object.assign(this._internals.https, value);
        }
        else {
            this._internals.https = { ...value };
        }
    }
    /**
    [Encoding](https://nodejs.org/api/buffer.html#buffer_buffers_and_character_encodings) to be used on `setEncoding` of the response data.

    To get a [`Buffer`](https://nodejs.org/api/buffer.html), you need to set `responseType` to `buffer` instead.
    Don't set this option to `null`.

    __Note__: This doesn't affect streams! Instead, you need to do `got.stream(...).setEncoding(encoding)`.

    @default 'utf-8'
    */
    get encoding() {
        return this._internals.encoding;
    }
    set encoding(value) {
        if (value === null) {
            throw new TypeError('To get a Buffer, set `options.responseType` to `buffer` instead');
        }
        options_assertAny('encoding', [distribution.string, distribution.undefined], value);
        this._internals.encoding = value;
    }
    /**
    When set to `true` the promise will return the Response body instead of the Response object.

    @default false
    */
    get resolveBodyOnly() {
        return this._internals.resolveBodyOnly;
    }
    set resolveBodyOnly(value) {
        assert.boolean(value);
        this._internals.resolveBodyOnly = value;
    }
    /**
    Returns a `Stream` instead of a `Promise`.
    This is equivalent to calling `got.stream(url, options?)`.

    @default false
    */
    get isStream() {
        return this._internals.isStream;
    }
    set isStream(value) {
        assert.boolean(value);
        this._internals.isStream = value;
    }
    /**
    The parsing method.

    The promise also has `.text()`, `.json()` and `.buffer()` methods which return another Got promise for the parsed body.

    It's like setting the options to `{responseType: 'json', resolveBodyOnly: true}` but without affecting the main Got promise.

    __Note__: When using streams, this option is ignored.

    @example
    ```
    const responsePromise = got(url);
    const bufferPromise = responsePromise.buffer();
    const jsonPromise = responsePromise.json();

    const [response, buffer, json] = Promise.all([responsePromise, bufferPromise, jsonPromise]);
    // `response` is an instance of Got Response
    // `buffer` is an instance of Buffer
    // `json` is an object
    ```

    @example
    ```
    // This
    const body = await got(url).json();

    // is semantically the same as this
    const body = await got(url, {responseType: 'json', resolveBodyOnly: true});
    ```
    */
    get responseType() {
        return this._internals.responseType;
    }
    set responseType(value) {
        if (value === undefined) {
            this._internals.responseType = 'text';
            return;
        }
        if (value !== 'text' && value !== 'buffer' && value !== 'json') {
            throw new Error(`Invalid \`responseType\` option: ${value}`);
        }
        this._internals.responseType = value;
    }
    get pagination() {
        return this._internals.pagination;
    }
    set pagination(value) {
        assert.object(value);
        if (this._merging) {
            Object.assign(this._internals.pagination, value);
        }
        else {
            this._internals.pagination = value;
        }
    }
    get auth() {
        throw new Error('Parameter `auth` is deprecated. Use `username` / `password` instead.');
    }
    set auth(_value) {
        throw new Error('Parameter `auth` is deprecated. Use `username` / `password` instead.');
    }
    get setHost() {
        return this._internals.setHost;
    }
    set setHost(value) {
        assert.boolean(value);
        this._internals.setHost = value;
    }
    get maxHeaderSize() {
        return this._internals.maxHeaderSize;
    }
    set maxHeaderSize(value) {
        options_assertAny('maxHeaderSize', [distribution.number, distribution.undefined], value);
        this._internals.maxHeaderSize = value;
    }
    get enableUnixSockets() {
        return this._internals.enableUnixSockets;
    }
    set enableUnixSockets(value) {
        assert.boolean(value);
        this._internals.enableUnixSockets = value;
    }
    /**
    Throw an error if the server response's `content-length` header value doesn't match the number of bytes received.

    This is useful for detecting truncated responses and follows RFC 9112 requirements for message completeness.

    __Note__: Responses without a `content-length` header are not validated.
    __Note__: When enabled and validation fails, a `ReadError` with code `ERR_HTTP_CONTENT_LENGTH_MISMATCH` will be thrown.

    @default false
    */
    get strictContentLength() {
        return this._internals.strictContentLength;
    }
    set strictContentLength(value) {
        assert.boolean(value);
        this._internals.strictContentLength = value;
    }
    // eslint-disable-next-line @typescript-eslint/naming-convention
    toJSON() {
        return { ...this._internals };
    }
    [Symbol.for('nodejs.util.inspect.custom')](_depth, options) {
        return (0,external_node_util_namespaceObject.inspect)(this._internals, options);
    }
    createNativeRequestOptions() {
        const internals = this._internals;
        const url = internals.url;
        let agent;
        if (url.protocol === 'https:') {
            if (internals.http2) {
                // Ensure HTTP/2 agent is configured for connection reuse
                // If no custom agent.http2 is provided, use the global agent for connection pooling
                agent = {
                    ...internals.agent,
                    http2: internals.agent.http2 ?? source.globalAgent,
                };
            }
            else {
                agent = internals.agent.https;
            }
        }
        else {
            agent = internals.agent.http;
        }
        const { https } = internals;
        let { pfx } = https;
        if (distribution.array(pfx) && distribution.plainObject(pfx[0])) {
            pfx = pfx.map(object => ({
                buf: object.buffer,
                passphrase: object.passphrase,
            }));
        }
        return {
            ...internals.cacheOptions,
            ...this._unixOptions,
            // HTTPS options
            // eslint-disable-next-line @typescript-eslint/naming-convention
            ALPNProtocols: https.alpnProtocols,
            ca: https.certificateAuthority,
            cert: https.certificate,
            key: https.key,
            passphrase: https.passphrase,
            pfx: https.pfx,
            rejectUnauthorized: https.rejectUnauthorized,
            checkServerIdentity: https.checkServerIdentity ?? external_node_tls_namespaceObject.checkServerIdentity,
            servername: https.serverName,
            ciphers: https.ciphers,
            honorCipherOrder: https.honorCipherOrder,
            minVersion: https.minVersion,
            maxVersion: https.maxVersion,
            sigalgs: https.signatureAlgorithms,
            sessionTimeout: https.tlsSessionLifetime,
            dhparam: https.dhparam,
            ecdhCurve: https.ecdhCurve,
            crl: https.certificateRevocationLists,
            secureOptions: https.secureOptions,
            // HTTP options
            lookup: internals.dnsLookup ?? internals.dnsCache?.lookup,
            family: internals.dnsLookupIpVersion,
            agent,
            setHost: internals.setHost,
            method: internals.method,
            maxHeaderSize: internals.maxHeaderSize,
            localAddress: internals.localAddress,
            headers: internals.headers,
            createConnection: internals.createConnection,
            timeout: internals.http2 ? getHttp2TimeoutOption(internals) : undefined,
            // HTTP/2 options
            h2session: internals.h2session,
        };
    }
    getRequestFunction() {
        const url = this._internals.url;
        const { request } = this._internals;
        if (!request && url) {
            return this.getFallbackRequestFunction();
        }
        return request;
    }
    getFallbackRequestFunction() {
        const url = this._internals.url;
        if (!url) {
            return;
        }
        if (url.protocol === 'https:') {
            if (this._internals.http2) {
                if (major < 15 || (major === 15 && minor < 10)) {
                    const error = new Error('To use the `http2` option, install Node.js 15.10.0 or above');
                    error.code = 'EUNSUPPORTED';
                    throw error;
                }
                return source.auto;
            }
            return external_node_https_namespaceObject.request;
        }
        return external_node_http_namespaceObject.request;
    }
    freeze() {
        const options = this._internals;
        Object.freeze(options);
        Object.freeze(options.hooks);
        Object.freeze(options.hooks.afterResponse);
        Object.freeze(options.hooks.beforeError);
        Object.freeze(options.hooks.beforeRedirect);
        Object.freeze(options.hooks.beforeRequest);
        Object.freeze(options.hooks.beforeRetry);
        Object.freeze(options.hooks.init);
        Object.freeze(options.https);
        Object.freeze(options.cacheOptions);
        Object.freeze(options.agent);
        Object.freeze(options.headers);
        Object.freeze(options.timeout);
        Object.freeze(options.retry);
        Object.freeze(options.retry.errorCodes);
        Object.freeze(options.retry.methods);
        Object.freeze(options.retry.statusCodes);
    }
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/response.js

const isResponseOk = (response) => {
    const { statusCode } = response;
    const { followRedirect } = response.request.options;
    const shouldFollow = typeof followRedirect === 'function' ? followRedirect(response) : followRedirect;
    const limitStatusCode = shouldFollow ? 299 : 399;
    return (statusCode >= 200 && statusCode <= limitStatusCode) || statusCode === 304;
};
/**
An error to be thrown when server response code is 2xx, and parsing body fails.
Includes a `response` property.
*/
class ParseError extends RequestError {
    name = 'ParseError';
    code = 'ERR_BODY_PARSE_FAILURE';
    constructor(error, response) {
        const { options } = response.request;
        super(`${error.message} in "${options.url.toString()}"`, error, response.request);
    }
}
const parseBody = (response, responseType, parseJson, encoding) => {
    const { rawBody } = response;
    try {
        if (responseType === 'text') {
            return rawBody.toString(encoding);
        }
        if (responseType === 'json') {
            return rawBody.length === 0 ? '' : parseJson(rawBody.toString(encoding));
        }
        if (responseType === 'buffer') {
            return rawBody;
        }
    }
    catch (error) {
        throw new ParseError(error, response);
    }
    throw new ParseError({
        message: `Unknown body type '${responseType}'`,
        name: 'Error',
    }, response);
};

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/is-client-request.js
function isClientRequest(clientRequest) {
    return clientRequest.writable && !clientRequest.writableEnded;
}
/* harmony default export */ const is_client_request = (isClientRequest);

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/utils/is-unix-socket-url.js
// eslint-disable-next-line @typescript-eslint/naming-convention
function isUnixSocketURL(url) {
    return url.protocol === 'unix:' || url.hostname === 'unix';
}
/**
Extract the socket path from a UNIX socket URL.

@example
```
getUnixSocketPath(new URL('http://unix/foo:/path'));
//=> '/foo'

getUnixSocketPath(new URL('unix:/foo:/path'));
//=> '/foo'

getUnixSocketPath(new URL('http://example.com'));
//=> undefined
```
*/
function getUnixSocketPath(url) {
    if (!isUnixSocketURL(url)) {
        return undefined;
    }
    return /(?<socketPath>.+?):(?<path>.+)/.exec(`${url.pathname}${url.search}`)?.groups?.socketPath;
}

;// CONCATENATED MODULE: external "node:diagnostics_channel"
const external_node_diagnostics_channel_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");
;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/diagnostics-channel.js


const channels = {
    requestCreate: external_node_diagnostics_channel_namespaceObject.channel('got:request:create'),
    requestStart: external_node_diagnostics_channel_namespaceObject.channel('got:request:start'),
    responseStart: external_node_diagnostics_channel_namespaceObject.channel('got:response:start'),
    responseEnd: external_node_diagnostics_channel_namespaceObject.channel('got:response:end'),
    retry: external_node_diagnostics_channel_namespaceObject.channel('got:request:retry'),
    error: external_node_diagnostics_channel_namespaceObject.channel('got:request:error'),
    redirect: external_node_diagnostics_channel_namespaceObject.channel('got:response:redirect'),
};
function generateRequestId() {
    return (0,external_node_crypto_namespaceObject.randomUUID)();
}
function publishRequestCreate(message) {
    if (channels.requestCreate.hasSubscribers) {
        channels.requestCreate.publish(message);
    }
}
function publishRequestStart(message) {
    if (channels.requestStart.hasSubscribers) {
        channels.requestStart.publish(message);
    }
}
function publishResponseStart(message) {
    if (channels.responseStart.hasSubscribers) {
        channels.responseStart.publish(message);
    }
}
function publishResponseEnd(message) {
    if (channels.responseEnd.hasSubscribers) {
        channels.responseEnd.publish(message);
    }
}
function publishRetry(message) {
    if (channels.retry.hasSubscribers) {
        channels.retry.publish(message);
    }
}
function publishError(message) {
    if (channels.error.hasSubscribers) {
        channels.error.publish(message);
    }
}
function publishRedirect(message) {
    if (channels.redirect.hasSubscribers) {
        channels.redirect.publish(message);
    }
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/core/index.js























const supportsBrotli = distribution.string(external_node_process_namespaceObject.versions.brotli);
const core_supportsZstd = distribution.string(external_node_process_namespaceObject.versions.zstd);
const methodsWithoutBody = new Set(['GET', 'HEAD']);
const cacheableStore = new WeakableMap();
const redirectCodes = new Set([300, 301, 302, 303, 304, 307, 308]);
// Track errors that have been processed by beforeError hooks to preserve custom error types
const errorsProcessedByHooks = new WeakSet();
const proxiedRequestEvents = [
    'socket',
    'connect',
    'continue',
    'information',
    'upgrade',
];
const core_noop = () => { };
class Request extends external_node_stream_namespaceObject.Duplex {
    // @ts-expect-error - Ignoring for now.
    ['constructor'];
    _noPipe;
    // @ts-expect-error https://github.com/microsoft/TypeScript/issues/9568
    options;
    response;
    requestUrl;
    redirectUrls = [];
    retryCount = 0;
    _stopReading = false;
    _stopRetry = core_noop;
    _downloadedSize = 0;
    _uploadedSize = 0;
    _pipedServerResponses = new Set();
    _request;
    _responseSize;
    _bodySize;
    _unproxyEvents = core_noop;
    _isFromCache;
    _triggerRead = false;
    _jobs = [];
    _cancelTimeouts = core_noop;
    _removeListeners = core_noop;
    _nativeResponse;
    _flushed = false;
    _aborted = false;
    _expectedContentLength;
    _compressedBytesCount;
    _requestId = generateRequestId();
    // We need this because `this._request` if `undefined` when using cache
    _requestInitialized = false;
    constructor(url, options, defaults) {
        super({
            // Don't destroy immediately, as the error may be emitted on unsuccessful retry
            autoDestroy: false,
            // It needs to be zero because we're just proxying the data to another stream
            highWaterMark: 0,
        });
        this.on('pipe', (source) => {
            if (this.options.copyPipedHeaders && source?.headers) {
                Object.assign(this.options.headers, source.headers);
            }
        });
        this.on('newListener', event => {
            if (event === 'retry' && this.listenerCount('retry') > 0) {
                throw new Error('A retry listener has been attached already.');
            }
        });
        try {
            this.options = new Options(url, options, defaults);
            if (!this.options.url) {
                if (this.options.prefixUrl === '') {
                    throw new TypeError('Missing `url` property');
                }
                this.options.url = '';
            }
            this.requestUrl = this.options.url;
            // Publish request creation event
            publishRequestCreate({
                requestId: this._requestId,
                url: this.options.url?.toString() ?? '',
                method: this.options.method,
            });
        }
        catch (error) {
            const { options } = error;
            if (options) {
                this.options = options;
            }
            this.flush = async () => {
                this.flush = async () => { };
                // Defer error emission to next tick to allow user to attach error handlers
                external_node_process_namespaceObject.nextTick(() => {
                    // _beforeError requires options to access retry logic and hooks
                    if (this.options) {
                        this._beforeError(error);
                    }
                    else {
                        // Options is undefined, skip _beforeError and destroy directly
                        const requestError = error instanceof RequestError ? error : new RequestError(error.message, error, this);
                        this.destroy(requestError);
                    }
                });
            };
            return;
        }
        // Important! If you replace `body` in a handler with another stream, make sure it's readable first.
        // The below is run only once.
        const { body } = this.options;
        if (distribution.nodeStream(body)) {
            body.once('error', error => {
                if (this._flushed) {
                    this._beforeError(new UploadError(error, this));
                }
                else {
                    this.flush = async () => {
                        this.flush = async () => { };
                        this._beforeError(new UploadError(error, this));
                    };
                }
            });
        }
        if (this.options.signal) {
            const abort = () => {
                // See https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static#return_value
                if (this.options.signal?.reason?.name === 'TimeoutError') {
                    this.destroy(new TimeoutError(this.options.signal.reason, this.timings, this));
                }
                else {
                    this.destroy(new AbortError(this));
                }
            };
            if (this.options.signal.aborted) {
                abort();
            }
            else {
                this.options.signal.addEventListener('abort', abort);
                this._removeListeners = () => {
                    this.options.signal?.removeEventListener('abort', abort);
                };
            }
        }
    }
    async flush() {
        if (this._flushed) {
            return;
        }
        this._flushed = true;
        try {
            await this._finalizeBody();
            if (this.destroyed) {
                return;
            }
            await this._makeRequest();
            if (this.destroyed) {
                this._request?.destroy();
                return;
            }
            // Queued writes etc.
            for (const job of this._jobs) {
                job();
            }
            // Prevent memory leak
            this._jobs.length = 0;
            this._requestInitialized = true;
        }
        catch (error) {
            this._beforeError(error);
        }
    }
    _beforeError(error) {
        if (this._stopReading) {
            return;
        }
        const { response, options } = this;
        const attemptCount = this.retryCount + (error.name === 'RetryError' ? 0 : 1);
        this._stopReading = true;
        if (!(error instanceof RequestError)) {
            error = new RequestError(error.message, error, this);
        }
        const typedError = error;
        void (async () => {
            // Node.js parser is really weird.
            // It emits post-request Parse Errors on the same instance as previous request. WTF.
            // Therefore, we need to check if it has been destroyed as well.
            //
            // Furthermore, Node.js 16 `response.destroy()` doesn't immediately destroy the socket,
            // but makes the response unreadable. So we additionally need to check `response.readable`.
            if (response?.readable && !response.rawBody && !this._request?.socket?.destroyed) {
                // @types/node has incorrect typings. `setEncoding` accepts `null` as well.
                response.setEncoding(this.readableEncoding);
                const success = await this._setRawBody(response);
                if (success) {
                    response.body = response.rawBody.toString();
                }
            }
            if (this.listenerCount('retry') !== 0) {
                let backoff;
                try {
                    let retryAfter;
                    if (response && 'retry-after' in response.headers) {
                        retryAfter = Number(response.headers['retry-after']);
                        if (Number.isNaN(retryAfter)) {
                            retryAfter = Date.parse(response.headers['retry-after']) - Date.now();
                            if (retryAfter <= 0) {
                                retryAfter = 1;
                            }
                        }
                        else {
                            retryAfter *= 1000;
                        }
                    }
                    const retryOptions = options.retry;
                    const computedValue = calculate_retry_delay({
                        attemptCount,
                        retryOptions,
                        error: typedError,
                        retryAfter,
                        computedValue: retryOptions.maxRetryAfter ?? options.timeout.request ?? Number.POSITIVE_INFINITY,
                    });
                    // When enforceRetryRules is true, respect the retry rules (limit, methods, statusCodes, errorCodes)
                    // before calling the user's calculateDelay function. If computedValue is 0 (meaning retry is not allowed
                    // based on these rules), skip calling calculateDelay entirely.
                    // When false (default), always call calculateDelay, allowing it to override retry decisions.
                    if (retryOptions.enforceRetryRules && computedValue === 0) {
                        backoff = 0;
                    }
                    else {
                        backoff = await retryOptions.calculateDelay({
                            attemptCount,
                            retryOptions,
                            error: typedError,
                            retryAfter,
                            computedValue,
                        });
                    }
                }
                catch (error_) {
                    void this._error(new RequestError(error_.message, error_, this));
                    return;
                }
                if (backoff) {
                    await new Promise(resolve => {
                        const timeout = setTimeout(resolve, backoff);
                        this._stopRetry = () => {
                            clearTimeout(timeout);
                            resolve();
                        };
                    });
                    // Something forced us to abort the retry
                    if (this.destroyed) {
                        return;
                    }
                    // Capture body BEFORE hooks run to detect reassignment
                    const bodyBeforeHooks = this.options.body;
                    try {
                        for (const hook of this.options.hooks.beforeRetry) {
                            // eslint-disable-next-line no-await-in-loop
                            await hook(typedError, this.retryCount + 1);
                        }
                    }
                    catch (error_) {
                        void this._error(new RequestError(error_.message, error_, this));
                        return;
                    }
                    // Something forced us to abort the retry
                    if (this.destroyed) {
                        return;
                    }
                    // Preserve stream body reassigned in beforeRetry hooks.
                    const bodyAfterHooks = this.options.body;
                    const bodyWasReassigned = bodyBeforeHooks !== bodyAfterHooks;
                    // Resource cleanup and preservation logic for retry with body reassignment.
                    // The Promise wrapper (as-promise/index.ts) compares body identity to detect consumed streams,
                    // so we must preserve the body reference across destroy(). However, destroy() calls _destroy()
                    // which destroys this.options.body, creating a complex dance of clear/restore operations.
                    //
                    // Key constraints:
                    // 1. If body was reassigned, we must NOT destroy the NEW stream (it will be used for retry)
                    // 2. If body was reassigned, we MUST destroy the OLD stream to prevent memory leaks
                    // 3. We must restore the body reference after destroy() for identity checks in promise wrapper
                    // 4. We cannot use the normal setter after destroy() because it validates stream readability
                    if (bodyWasReassigned) {
                        const oldBody = bodyBeforeHooks;
                        // Temporarily clear body to prevent destroy() from destroying the new stream
                        this.options.body = undefined;
                        this.destroy();
                        // Clean up the old stream resource if it's a stream and different from new body
                        // (edge case: if old and new are same stream object, don't destroy it)
                        if (distribution.nodeStream(oldBody) && oldBody !== bodyAfterHooks) {
                            oldBody.destroy();
                        }
                        // Restore new body for promise wrapper's identity check
                        // We bypass the setter because it validates stream.readable (which fails for destroyed request)
                        // Type assertion is necessary here to access private _internals without exposing internal API
                        if (distribution.nodeStream(bodyAfterHooks) && (bodyAfterHooks.readableEnded || bodyAfterHooks.destroyed)) {
                            throw new TypeError('The reassigned stream body must be readable. Ensure you provide a fresh, readable stream in the beforeRetry hook.');
                        }
                        this.options._internals.body = bodyAfterHooks;
                    }
                    else {
                        // Body wasn't reassigned - use normal destroy flow which handles body cleanup
                        this.destroy();
                        // Note: We do NOT restore the body reference here. The stream was destroyed by _destroy()
                        // and should not be accessed. The promise wrapper will see that body identity hasn't changed
                        // and will detect it's a consumed stream, which is the correct behavior.
                    }
                    // Publish retry event
                    publishRetry({
                        requestId: this._requestId,
                        retryCount: this.retryCount + 1,
                        error: typedError,
                        delay: backoff,
                    });
                    this.emit('retry', this.retryCount + 1, error, (updatedOptions) => {
                        const request = new Request(options.url, updatedOptions, options);
                        request.retryCount = this.retryCount + 1;
                        external_node_process_namespaceObject.nextTick(() => {
                            void request.flush();
                        });
                        return request;
                    });
                    return;
                }
            }
            void this._error(typedError);
        })();
    }
    _read() {
        this._triggerRead = true;
        const { response } = this;
        if (response && !this._stopReading) {
            // We cannot put this in the `if` above
            // because `.read()` also triggers the `end` event
            if (response.readableLength) {
                this._triggerRead = false;
            }
            let data;
            while ((data = response.read()) !== null) {
                this._downloadedSize += data.length; // eslint-disable-line @typescript-eslint/restrict-plus-operands
                const progress = this.downloadProgress;
                if (progress.percent < 1) {
                    this.emit('downloadProgress', progress);
                }
                this.push(data);
            }
        }
    }
    _write(chunk, encoding, callback) {
        const write = () => {
            this._writeRequest(chunk, encoding, callback);
        };
        if (this._requestInitialized) {
            write();
        }
        else {
            this._jobs.push(write);
        }
    }
    _final(callback) {
        const endRequest = () => {
            // We need to check if `this._request` is present,
            // because it isn't when we use cache.
            if (!this._request || this._request.destroyed) {
                callback();
                return;
            }
            this._request.end((error) => {
                // The request has been destroyed before `_final` finished.
                // See https://github.com/nodejs/node/issues/39356
                if (this._request?._writableState?.errored) {
                    return;
                }
                if (!error) {
                    this._bodySize = this._uploadedSize;
                    this.emit('uploadProgress', this.uploadProgress);
                    this._request?.emit('upload-complete');
                }
                callback(error);
            });
        };
        if (this._requestInitialized) {
            endRequest();
        }
        else {
            this._jobs.push(endRequest);
        }
    }
    _destroy(error, callback) {
        this._stopReading = true;
        this.flush = async () => { };
        // Prevent further retries
        this._stopRetry();
        this._cancelTimeouts();
        this._removeListeners();
        if (this.options) {
            const { body } = this.options;
            if (distribution.nodeStream(body)) {
                body.destroy();
            }
        }
        if (this._request) {
            this._request.destroy();
        }
        // Workaround: http-timer only sets timings.end when the response emits 'end'.
        // When a stream is destroyed before completion, the 'end' event may not fire,
        // leaving timings.end undefined. This should ideally be fixed in http-timer
        // by listening to the 'close' event, but we handle it here for now.
        // Only set timings.end if there was no error or abort (to maintain semantic correctness).
        const timings = this._request?.timings;
        if (timings && distribution.undefined(timings.end) && !distribution.undefined(timings.response) && distribution.undefined(timings.error) && distribution.undefined(timings.abort)) {
            timings.end = Date.now();
            if (distribution.undefined(timings.phases.total)) {
                timings.phases.download = timings.end - timings.response;
                timings.phases.total = timings.end - timings.start;
            }
        }
        // Preserve custom errors returned by beforeError hooks.
        // For other errors, wrap non-RequestError instances for consistency.
        if (error !== null && !distribution.undefined(error)) {
            const processedByHooks = error instanceof Error && errorsProcessedByHooks.has(error);
            if (!processedByHooks && !(error instanceof RequestError)) {
                error = error instanceof Error
                    ? new RequestError(error.message, error, this)
                    : new RequestError(String(error), {}, this);
            }
        }
        callback(error);
    }
    pipe(destination, options) {
        if (destination instanceof external_node_http_namespaceObject.ServerResponse) {
            this._pipedServerResponses.add(destination);
        }
        return super.pipe(destination, options);
    }
    unpipe(destination) {
        if (destination instanceof external_node_http_namespaceObject.ServerResponse) {
            this._pipedServerResponses.delete(destination);
        }
        super.unpipe(destination);
        return this;
    }
    _checkContentLengthMismatch() {
        if (this.options.strictContentLength && this._expectedContentLength !== undefined) {
            // Use compressed bytes count when available (for compressed responses),
            // otherwise use _downloadedSize (for uncompressed responses)
            const actualSize = this._compressedBytesCount ?? this._downloadedSize;
            if (actualSize !== this._expectedContentLength) {
                this._beforeError(new ReadError({
                    message: `Content-Length mismatch: expected ${this._expectedContentLength} bytes, received ${actualSize} bytes`,
                    name: 'Error',
                    code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
                }, this));
                return true;
            }
        }
        return false;
    }
    async _finalizeBody() {
        const { options } = this;
        const { headers } = options;
        const isForm = !distribution.undefined(options.form);
        // eslint-disable-next-line @typescript-eslint/naming-convention
        const isJSON = !distribution.undefined(options.json);
        const isBody = !distribution.undefined(options.body);
        const cannotHaveBody = methodsWithoutBody.has(options.method) && !(options.method === 'GET' && options.allowGetBody);
        if (isForm || isJSON || isBody) {
            if (cannotHaveBody) {
                throw new TypeError(`The \`${options.method}\` method cannot be used with a body`);
            }
            // Serialize body
            const noContentType = !distribution.string(headers['content-type']);
            if (isBody) {
                // Body is spec-compliant FormData
                if (lib_isFormData(options.body)) {
                    const encoder = new FormDataEncoder(options.body);
                    if (noContentType) {
                        headers['content-type'] = encoder.headers['Content-Type'];
                    }
                    if ('Content-Length' in encoder.headers) {
                        headers['content-length'] = encoder.headers['Content-Length'];
                    }
                    options.body = encoder.encode();
                }
                // Special case for https://github.com/form-data/form-data
                if (is_form_data_isFormData(options.body) && noContentType) {
                    headers['content-type'] = `multipart/form-data; boundary=${options.body.getBoundary()}`;
                }
            }
            else if (isForm) {
                if (noContentType) {
                    headers['content-type'] = 'application/x-www-form-urlencoded';
                }
                const { form } = options;
                options.form = undefined;
                options.body = (new URLSearchParams(form)).toString();
            }
            else {
                if (noContentType) {
                    headers['content-type'] = 'application/json';
                }
                const { json } = options;
                options.json = undefined;
                options.body = options.stringifyJson(json);
            }
            const uploadBodySize = await getBodySize(options.body, options.headers);
            // See https://tools.ietf.org/html/rfc7230#section-3.3.2
            // A user agent SHOULD send a Content-Length in a request message when
            // no Transfer-Encoding is sent and the request method defines a meaning
            // for an enclosed payload body.  For example, a Content-Length header
            // field is normally sent in a POST request even when the value is 0
            // (indicating an empty payload body).  A user agent SHOULD NOT send a
            // Content-Length header field when the request message does not contain
            // a payload body and the method semantics do not anticipate such a
            // body.
            if (distribution.undefined(headers['content-length']) && distribution.undefined(headers['transfer-encoding']) && !cannotHaveBody && !distribution.undefined(uploadBodySize)) {
                headers['content-length'] = String(uploadBodySize);
            }
        }
        if (options.responseType === 'json' && !('accept' in options.headers)) {
            options.headers.accept = 'application/json';
        }
        this._bodySize = Number(headers['content-length']) || undefined;
    }
    async _onResponseBase(response) {
        // This will be called e.g. when using cache so we need to check if this request has been aborted.
        if (this.isAborted) {
            return;
        }
        const { options } = this;
        const { url } = options;
        this._nativeResponse = response;
        const statusCode = response.statusCode;
        const { method } = options;
        // Skip decompression for responses that must not have bodies per RFC 9110:
        // - HEAD responses (any status code)
        // - 1xx (Informational): 100, 101, 102, 103, etc.
        // - 204 (No Content)
        // - 205 (Reset Content)
        // - 304 (Not Modified)
        const hasNoBody = method === 'HEAD'
            || (statusCode >= 100 && statusCode < 200)
            || statusCode === 204
            || statusCode === 205
            || statusCode === 304;
        if (options.decompress && !hasNoBody) {
            // When strictContentLength is enabled, track compressed bytes by listening to
            // the native response's data events before decompression
            if (options.strictContentLength) {
                this._compressedBytesCount = 0;
                this._nativeResponse.on('data', (chunk) => {
                    this._compressedBytesCount += byteLength(chunk);
                });
            }
            response = decompressResponse(response);
        }
        const typedResponse = response;
        typedResponse.statusMessage = typedResponse.statusMessage || external_node_http_namespaceObject.STATUS_CODES[statusCode]; // eslint-disable-line @typescript-eslint/prefer-nullish-coalescing -- The status message can be empty.
        typedResponse.url = options.url.toString();
        typedResponse.requestUrl = this.requestUrl;
        typedResponse.redirectUrls = this.redirectUrls;
        typedResponse.request = this;
        typedResponse.isFromCache = this._nativeResponse.fromCache ?? false;
        typedResponse.ip = this.ip;
        typedResponse.retryCount = this.retryCount;
        typedResponse.ok = isResponseOk(typedResponse);
        this._isFromCache = typedResponse.isFromCache;
        this._responseSize = Number(response.headers['content-length']) || undefined;
        this.response = typedResponse;
        // Publish response start event
        publishResponseStart({
            requestId: this._requestId,
            url: typedResponse.url,
            statusCode,
            headers: response.headers,
            isFromCache: typedResponse.isFromCache,
        });
        response.once('error', (error) => {
            this._aborted = true;
            // Force clean-up, because some packages don't do this.
            // TODO: Fix decompress-response
            response.destroy();
            this._beforeError(new ReadError(error, this));
        });
        response.once('aborted', () => {
            this._aborted = true;
            // Check if there's a content-length mismatch to provide a more specific error
            if (!this._checkContentLengthMismatch()) {
                this._beforeError(new ReadError({
                    name: 'Error',
                    message: 'The server aborted pending request',
                    code: 'ECONNRESET',
                }, this));
            }
        });
        const rawCookies = response.headers['set-cookie'];
        if (distribution.object(options.cookieJar) && rawCookies) {
            let promises = rawCookies.map(async (rawCookie) => options.cookieJar.setCookie(rawCookie, url.toString()));
            if (options.ignoreInvalidCookies) {
                // eslint-disable-next-line @typescript-eslint/no-floating-promises
                promises = promises.map(async (promise) => {
                    try {
                        await promise;
                    }
                    catch { }
                });
            }
            try {
                await Promise.all(promises);
            }
            catch (error) {
                this._beforeError(error);
                return;
            }
        }
        // The above is running a promise, therefore we need to check if this request has been aborted yet again.
        if (this.isAborted) {
            return;
        }
        if (response.headers.location && redirectCodes.has(statusCode)) {
            // We're being redirected, we don't care about the response.
            // It'd be best to abort the request, but we can't because
            // we would have to sacrifice the TCP connection. We don't want that.
            const shouldFollow = typeof options.followRedirect === 'function' ? options.followRedirect(typedResponse) : options.followRedirect;
            if (shouldFollow) {
                response.resume();
                this._cancelTimeouts();
                this._unproxyEvents();
                if (this.redirectUrls.length >= options.maxRedirects) {
                    this._beforeError(new MaxRedirectsError(this));
                    return;
                }
                this._request = undefined;
                // Reset download progress for the new request
                this._downloadedSize = 0;
                const updatedOptions = new Options(undefined, undefined, this.options);
                const serverRequestedGet = statusCode === 303 && updatedOptions.method !== 'GET' && updatedOptions.method !== 'HEAD';
                const canRewrite = statusCode !== 307 && statusCode !== 308;
                const userRequestedGet = updatedOptions.methodRewriting && canRewrite;
                if (serverRequestedGet || userRequestedGet) {
                    updatedOptions.method = 'GET';
                    updatedOptions.body = undefined;
                    updatedOptions.json = undefined;
                    updatedOptions.form = undefined;
                    delete updatedOptions.headers['content-length'];
                }
                try {
                    // We need this in order to support UTF-8
                    const redirectBuffer = external_node_buffer_namespaceObject.Buffer.from(response.headers.location, 'binary').toString();
                    const redirectUrl = new URL(redirectBuffer, url);
                    if (!isUnixSocketURL(url) && isUnixSocketURL(redirectUrl)) {
                        this._beforeError(new RequestError('Cannot redirect to UNIX socket', {}, this));
                        return;
                    }
                    // Redirecting to a different site, clear sensitive data.
                    // For UNIX sockets, different socket paths are also different origins.
                    const isDifferentOrigin = redirectUrl.hostname !== url.hostname
                        || redirectUrl.port !== url.port
                        || getUnixSocketPath(url) !== getUnixSocketPath(redirectUrl);
                    if (isDifferentOrigin) {
                        if ('host' in updatedOptions.headers) {
                            delete updatedOptions.headers.host;
                        }
                        if ('cookie' in updatedOptions.headers) {
                            delete updatedOptions.headers.cookie;
                        }
                        if ('authorization' in updatedOptions.headers) {
                            delete updatedOptions.headers.authorization;
                        }
                        if (updatedOptions.username || updatedOptions.password) {
                            updatedOptions.username = '';
                            updatedOptions.password = '';
                        }
                    }
                    else {
                        redirectUrl.username = updatedOptions.username;
                        redirectUrl.password = updatedOptions.password;
                    }
                    this.redirectUrls.push(redirectUrl);
                    updatedOptions.url = redirectUrl;
                    for (const hook of updatedOptions.hooks.beforeRedirect) {
                        // eslint-disable-next-line no-await-in-loop
                        await hook(updatedOptions, typedResponse);
                    }
                    // Publish redirect event
                    publishRedirect({
                        requestId: this._requestId,
                        fromUrl: url.toString(),
                        toUrl: redirectUrl.toString(),
                        statusCode,
                    });
                    this.emit('redirect', updatedOptions, typedResponse);
                    this.options = updatedOptions;
                    await this._makeRequest();
                }
                catch (error) {
                    this._beforeError(error);
                    return;
                }
                return;
            }
        }
        // `HTTPError`s always have `error.response.body` defined.
        // Therefore, we cannot retry if `options.throwHttpErrors` is false.
        // On the last retry, if `options.throwHttpErrors` is false, we would need to return the body,
        // but that wouldn't be possible since the body would be already read in `error.response.body`.
        if (options.isStream && options.throwHttpErrors && !isResponseOk(typedResponse)) {
            this._beforeError(new HTTPError(typedResponse));
            return;
        }
        // Store the expected content-length from the native response for validation.
        // This is the content-length before decompression, which is what actually gets transferred.
        // Skip storing for responses that shouldn't have bodies per RFC 9110.
        // When decompression occurs, only store if strictContentLength is enabled.
        const wasDecompressed = response !== this._nativeResponse;
        if (!hasNoBody && (!wasDecompressed || options.strictContentLength)) {
            const contentLengthHeader = this._nativeResponse.headers['content-length'];
            if (contentLengthHeader !== undefined) {
                const expectedLength = Number(contentLengthHeader);
                if (!Number.isNaN(expectedLength) && expectedLength >= 0) {
                    this._expectedContentLength = expectedLength;
                }
            }
        }
        // Set up end listener AFTER redirect check to avoid emitting progress for redirect responses
        response.once('end', () => {
            // Validate content-length if it was provided
            // Per RFC 9112: "If the sender closes the connection before the indicated number
            // of octets are received, the recipient MUST consider the message to be incomplete"
            if (this._checkContentLengthMismatch()) {
                return;
            }
            this._responseSize = this._downloadedSize;
            this.emit('downloadProgress', this.downloadProgress);
            // Publish response end event
            publishResponseEnd({
                requestId: this._requestId,
                url: typedResponse.url,
                statusCode,
                bodySize: this._downloadedSize,
                timings: this.timings,
            });
            this.push(null);
        });
        this.emit('downloadProgress', this.downloadProgress);
        response.on('readable', () => {
            if (this._triggerRead) {
                this._read();
            }
        });
        this.on('resume', () => {
            response.resume();
        });
        this.on('pause', () => {
            response.pause();
        });
        if (this._noPipe) {
            const success = await this._setRawBody();
            if (success) {
                this.emit('response', response);
            }
            return;
        }
        this.emit('response', response);
        for (const destination of this._pipedServerResponses) {
            if (destination.headersSent) {
                continue;
            }
            // Check if decompression actually occurred by comparing stream objects.
            // decompressResponse wraps the response stream when it decompresses,
            // so response !== this._nativeResponse indicates decompression happened.
            const wasDecompressed = response !== this._nativeResponse;
            for (const key in response.headers) {
                if (Object.hasOwn(response.headers, key)) {
                    const value = response.headers[key];
                    // When decompression occurred, skip content-encoding and content-length
                    // as they refer to the compressed data, not the decompressed stream.
                    if (wasDecompressed && (key === 'content-encoding' || key === 'content-length')) {
                        continue;
                    }
                    // Skip if value is undefined
                    if (value !== undefined) {
                        destination.setHeader(key, value);
                    }
                }
            }
            destination.statusCode = statusCode;
        }
    }
    async _setRawBody(from = this) {
        if (from.readableEnded) {
            return false;
        }
        try {
            // Errors are emitted via the `error` event
            const fromArray = await from.toArray();
            const rawBody = isBuffer(fromArray.at(0)) ? external_node_buffer_namespaceObject.Buffer.concat(fromArray) : external_node_buffer_namespaceObject.Buffer.from(fromArray.join(''));
            // On retry Request is destroyed with no error, therefore the above will successfully resolve.
            // So in order to check if this was really successfull, we need to check if it has been properly ended.
            if (!this.isAborted) {
                this.response.rawBody = rawBody;
                return true;
            }
        }
        catch { }
        return false;
    }
    async _onResponse(response) {
        try {
            await this._onResponseBase(response);
        }
        catch (error) {
            /* istanbul ignore next: better safe than sorry */
            this._beforeError(error);
        }
    }
    _onRequest(request) {
        const { options } = this;
        const { timeout, url } = options;
        // Publish request start event
        publishRequestStart({
            requestId: this._requestId,
            url: url?.toString() ?? '',
            method: options.method,
            headers: options.headers,
        });
        utils_timer(request);
        this._cancelTimeouts = timedOut(request, timeout, url);
        if (this.options.http2) {
            // Unset stream timeout, as the `timeout` option was used only for connection timeout.
            // We remove all 'timeout' listeners instead of calling setTimeout(0) because:
            // 1. setTimeout(0) causes a memory leak (see https://github.com/sindresorhus/got/issues/690)
            // 2. With HTTP/2 connection reuse, setTimeout(0) accumulates listeners on the socket
            // 3. removeAllListeners('timeout') properly cleans up without the memory leak
            request.removeAllListeners('timeout');
            // For HTTP/2, wait for socket and remove timeout listeners from it
            request.once('socket', (socket) => {
                socket.removeAllListeners('timeout');
            });
        }
        const responseEventName = options.cache ? 'cacheableResponse' : 'response';
        request.once(responseEventName, (response) => {
            void this._onResponse(response);
        });
        request.once('error', (error) => {
            this._aborted = true;
            // Force clean-up, because some packages (e.g. nock) don't do this.
            request.destroy();
            error = error instanceof timed_out_TimeoutError ? new TimeoutError(error, this.timings, this) : new RequestError(error.message, error, this);
            this._beforeError(error);
        });
        this._unproxyEvents = proxyEvents(request, this, proxiedRequestEvents);
        this._request = request;
        this.emit('uploadProgress', this.uploadProgress);
        this._sendBody();
        this.emit('request', request);
    }
    async _asyncWrite(chunk) {
        return new Promise((resolve, reject) => {
            super.write(chunk, error => {
                if (error) {
                    reject(error);
                    return;
                }
                resolve();
            });
        });
    }
    _sendBody() {
        // Send body
        const { body } = this.options;
        const currentRequest = this.redirectUrls.length === 0 ? this : this._request ?? this;
        if (distribution.nodeStream(body)) {
            body.pipe(currentRequest);
        }
        else if (distribution.buffer(body)) {
            // Buffer should be sent directly without conversion
            this._writeRequest(body, undefined, () => { });
            currentRequest.end();
        }
        else if (distribution.typedArray(body)) {
            // Typed arrays should be treated like buffers, not iterated over
            // Create a Uint8Array view over the data (Node.js streams accept Uint8Array)
            const typedArray = body;
            const uint8View = new Uint8Array(typedArray.buffer, typedArray.byteOffset, typedArray.byteLength);
            this._writeRequest(uint8View, undefined, () => { });
            currentRequest.end();
        }
        else if (distribution.asyncIterable(body) || (distribution.iterable(body) && !distribution.string(body) && !isBuffer(body))) {
            (async () => {
                try {
                    for await (const chunk of body) {
                        await this._asyncWrite(chunk);
                    }
                    super.end();
                }
                catch (error) {
                    this._beforeError(error);
                }
            })();
        }
        else if (distribution.undefined(body)) {
            // No body to send, end the request
            const cannotHaveBody = methodsWithoutBody.has(this.options.method) && !(this.options.method === 'GET' && this.options.allowGetBody);
            if ((this._noPipe ?? false) || cannotHaveBody || currentRequest !== this) {
                currentRequest.end();
            }
        }
        else {
            this._writeRequest(body, undefined, () => { });
            currentRequest.end();
        }
    }
    _prepareCache(cache) {
        if (cacheableStore.has(cache)) {
            return;
        }
        const cacheableRequest = new dist(((requestOptions, handler) => {
            /**
            Wraps the cacheable-request handler to run beforeCache hooks.
            These hooks control caching behavior by:
            - Directly mutating the response object (changes apply to what gets cached)
            - Returning `false` to prevent caching
            - Returning `void`/`undefined` to use default caching behavior

            Hooks use direct mutation - they can modify response.headers, response.statusCode, etc.
            Mutations take effect immediately and determine what gets cached.
            */
            const wrappedHandler = handler ? (response) => {
                const { beforeCacheHooks, gotRequest } = requestOptions;
                // Early return if no hooks - cache the original response
                if (!beforeCacheHooks || beforeCacheHooks.length === 0) {
                    handler(response);
                    return;
                }
                try {
                    // Call each beforeCache hook with the response
                    // Hooks can directly mutate the response - mutations take effect immediately
                    for (const hook of beforeCacheHooks) {
                        const result = hook(response);
                        if (result === false) {
                            // Prevent caching by adding no-cache headers
                            // Mutate the response directly to add headers
                            response.headers['cache-control'] = 'no-cache, no-store, must-revalidate';
                            response.headers.pragma = 'no-cache';
                            response.headers.expires = '0';
                            handler(response);
                            // Don't call remaining hooks - we've decided not to cache
                            return;
                        }
                        if (distribution.promise(result)) {
                            // BeforeCache hooks must be synchronous because cacheable-request's handler is synchronous
                            throw new TypeError('beforeCache hooks must be synchronous. The hook returned a Promise, but this hook must return synchronously. If you need async logic, use beforeRequest hook instead.');
                        }
                        if (result !== undefined) {
                            // Hooks should return false or undefined only
                            // Mutations work directly - no need to return the response
                            throw new TypeError('beforeCache hook must return false or undefined. To modify the response, mutate it directly.');
                        }
                        // Else: void/undefined = continue
                    }
                }
                catch (error) {
                    // Convert hook errors to RequestError and propagate
                    // This is consistent with how other hooks handle errors
                    if (gotRequest) {
                        gotRequest._beforeError(error instanceof RequestError ? error : new RequestError(error.message, error, gotRequest));
                        // Don't call handler when error was propagated successfully
                        return;
                    }
                    // If gotRequest is missing, log the error to aid debugging
                    // We still call the handler to prevent the request from hanging
                    console.error('Got: beforeCache hook error (request context unavailable):', error);
                    // Call handler with response (potentially partially modified)
                    handler(response);
                    return;
                }
                // All hooks ran successfully
                // Cache the response with any mutations applied
                handler(response);
            } : handler;
            const result = requestOptions._request(requestOptions, wrappedHandler);
            // TODO: remove this when `cacheable-request` supports async request functions.
            if (distribution.promise(result)) {
                // We only need to implement the error handler in order to support HTTP2 caching.
                // The result will be a promise anyway.
                // @ts-expect-error ignore
                result.once = (event, handler) => {
                    if (event === 'error') {
                        (async () => {
                            try {
                                await result;
                            }
                            catch (error) {
                                handler(error);
                            }
                        })();
                    }
                    else if (event === 'abort' || event === 'destroy') {
                        // The empty catch is needed here in case when
                        // it rejects before it's `await`ed in `_makeRequest`.
                        (async () => {
                            try {
                                const request = (await result);
                                request.once(event, handler);
                            }
                            catch { }
                        })();
                    }
                    else {
                        /* istanbul ignore next: safety check */
                        throw new Error(`Unknown HTTP2 promise event: ${event}`);
                    }
                    return result;
                };
            }
            return result;
        }), cache);
        cacheableStore.set(cache, cacheableRequest.request());
    }
    async _createCacheableRequest(url, options) {
        return new Promise((resolve, reject) => {
            // TODO: Remove `utils/url-to-options.ts` when `cacheable-request` is fixed
            Object.assign(options, urlToOptions(url));
            let request;
            // TODO: Fix `cacheable-response`. This is ugly.
            const cacheRequest = cacheableStore.get(options.cache)(options, async (response) => {
                response._readableState.autoDestroy = false;
                if (request) {
                    const fix = () => {
                        // For ResponseLike objects from cache, set complete to true if not already set.
                        // For real HTTP responses, copy from the underlying response.
                        if (response.req) {
                            response.complete = response.req.res.complete;
                        }
                        else if (response.complete === undefined) {
                            // ResponseLike from cache should have complete = true
                            response.complete = true;
                        }
                    };
                    response.prependOnceListener('end', fix);
                    fix();
                    (await request).emit('cacheableResponse', response);
                }
                resolve(response);
            });
            cacheRequest.once('error', reject);
            cacheRequest.once('request', async (requestOrPromise) => {
                request = requestOrPromise;
                resolve(request);
            });
        });
    }
    async _makeRequest() {
        const { options } = this;
        const { headers, username, password } = options;
        const cookieJar = options.cookieJar;
        for (const key in headers) {
            if (distribution.undefined(headers[key])) {
                // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
                delete headers[key];
            }
            else if (distribution.null(headers[key])) {
                throw new TypeError(`Use \`undefined\` instead of \`null\` to delete the \`${key}\` header`);
            }
        }
        if (options.decompress && distribution.undefined(headers['accept-encoding'])) {
            const encodings = ['gzip', 'deflate'];
            if (supportsBrotli) {
                encodings.push('br');
            }
            if (core_supportsZstd) {
                encodings.push('zstd');
            }
            headers['accept-encoding'] = encodings.join(', ');
        }
        if (username || password) {
            const credentials = external_node_buffer_namespaceObject.Buffer.from(`${username}:${password}`).toString('base64');
            headers.authorization = `Basic ${credentials}`;
        }
        // Set cookies
        if (cookieJar) {
            const cookieString = await cookieJar.getCookieString(options.url.toString());
            if (distribution.nonEmptyString(cookieString)) {
                headers.cookie = cookieString;
            }
        }
        let request;
        for (const hook of options.hooks.beforeRequest) {
            // eslint-disable-next-line no-await-in-loop
            const result = await hook(options, { retryCount: this.retryCount });
            if (!distribution.undefined(result)) {
                // @ts-expect-error Skip the type mismatch to support abstract responses
                request = () => result;
                break;
            }
        }
        request ||= options.getRequestFunction();
        const url = options.url;
        this._requestOptions = options.createNativeRequestOptions();
        if (options.cache) {
            this._requestOptions._request = request;
            this._requestOptions.cache = options.cache;
            this._requestOptions.body = options.body;
            this._requestOptions.beforeCacheHooks = options.hooks.beforeCache;
            this._requestOptions.gotRequest = this;
            try {
                this._prepareCache(options.cache);
            }
            catch (error) {
                throw new CacheError(error, this);
            }
        }
        // Cache support
        const function_ = options.cache ? this._createCacheableRequest : request;
        try {
            // We can't do `await fn(...)`,
            // because stream `error` event can be emitted before `Promise.resolve()`.
            let requestOrResponse = function_(url, this._requestOptions);
            if (distribution.promise(requestOrResponse)) {
                requestOrResponse = await requestOrResponse;
            }
            // Fallback
            if (distribution.undefined(requestOrResponse)) {
                requestOrResponse = options.getFallbackRequestFunction()(url, this._requestOptions);
                if (distribution.promise(requestOrResponse)) {
                    requestOrResponse = await requestOrResponse;
                }
            }
            if (is_client_request(requestOrResponse)) {
                this._onRequest(requestOrResponse);
            }
            else if (this.writableEnded) {
                void this._onResponse(requestOrResponse);
            }
            else {
                this.once('finish', () => {
                    void this._onResponse(requestOrResponse);
                });
                this._sendBody();
            }
        }
        catch (error) {
            if (error instanceof types_CacheError) {
                throw new CacheError(error, this);
            }
            throw error;
        }
    }
    async _error(error) {
        try {
            if (this.options && error instanceof HTTPError && !this.options.throwHttpErrors) {
                // This branch can be reached only when using the Promise API
                // Skip calling the hooks on purpose.
                // See https://github.com/sindresorhus/got/issues/2103
            }
            else if (this.options) {
                const hooks = this.options.hooks.beforeError;
                if (hooks.length > 0) {
                    for (const hook of hooks) {
                        // eslint-disable-next-line no-await-in-loop
                        error = await hook(error);
                        // Validate hook return value
                        if (!(error instanceof Error)) {
                            throw new TypeError(`The \`beforeError\` hook must return an Error instance. Received ${distribution.string(error) ? 'string' : String(typeof error)}.`);
                        }
                    }
                    // Mark this error as processed by hooks so _destroy preserves custom error types.
                    // Only mark non-RequestError errors, since RequestErrors are already preserved
                    // by the instanceof check in _destroy (line 642).
                    if (!(error instanceof RequestError)) {
                        errorsProcessedByHooks.add(error);
                    }
                }
            }
        }
        catch (error_) {
            error = new RequestError(error_.message, error_, this);
        }
        // Publish error event
        publishError({
            requestId: this._requestId,
            url: this.options?.url?.toString() ?? '',
            error,
            timings: this.timings,
        });
        this.destroy(error);
        // Manually emit error for Promise API to ensure it receives it.
        // Node.js streams may not re-emit if an error was already emitted during retry attempts.
        // Only emit for Promise API (_noPipe = true) to avoid double emissions in stream mode.
        // Use process.nextTick to defer emission and allow destroy() to complete first.
        // See https://github.com/sindresorhus/got/issues/1995
        if (this._noPipe) {
            external_node_process_namespaceObject.nextTick(() => {
                this.emit('error', error);
            });
        }
    }
    _writeRequest(chunk, encoding, callback) {
        if (!this._request || this._request.destroyed) {
            // When there's no request (e.g., using cached response from beforeRequest hook),
            // we still need to call the callback to allow the stream to finish properly.
            callback();
            return;
        }
        this._request.write(chunk, encoding, (error) => {
            // The `!destroyed` check is required to prevent `uploadProgress` being emitted after the stream was destroyed
            if (!error && !this._request.destroyed) {
                // For strings, encode them first to measure the actual bytes that will be sent
                const bytes = typeof chunk === 'string' ? external_node_buffer_namespaceObject.Buffer.from(chunk, encoding) : chunk;
                this._uploadedSize += byteLength(bytes);
                const progress = this.uploadProgress;
                if (progress.percent < 1) {
                    this.emit('uploadProgress', progress);
                }
            }
            callback(error);
        });
    }
    /**
    The remote IP address.
    */
    get ip() {
        return this.socket?.remoteAddress;
    }
    /**
    Indicates whether the request has been aborted or not.
    */
    get isAborted() {
        return this._aborted;
    }
    get socket() {
        return this._request?.socket ?? undefined;
    }
    /**
    Progress event for downloading (receiving a response).
    */
    get downloadProgress() {
        let percent;
        if (this._responseSize) {
            percent = this._downloadedSize / this._responseSize;
        }
        else if (this._responseSize === this._downloadedSize) {
            percent = 1;
        }
        else {
            percent = 0;
        }
        return {
            percent,
            transferred: this._downloadedSize,
            total: this._responseSize,
        };
    }
    /**
    Progress event for uploading (sending a request).
    */
    get uploadProgress() {
        let percent;
        if (this._bodySize) {
            percent = this._uploadedSize / this._bodySize;
        }
        else if (this._bodySize === this._uploadedSize) {
            percent = 1;
        }
        else {
            percent = 0;
        }
        return {
            percent,
            transferred: this._uploadedSize,
            total: this._bodySize,
        };
    }
    /**
    The object contains the following properties:

    - `start` - Time when the request started.
    - `socket` - Time when a socket was assigned to the request.
    - `lookup` - Time when the DNS lookup finished.
    - `connect` - Time when the socket successfully connected.
    - `secureConnect` - Time when the socket securely connected.
    - `upload` - Time when the request finished uploading.
    - `response` - Time when the request fired `response` event.
    - `end` - Time when the response fired `end` event.
    - `error` - Time when the request fired `error` event.
    - `abort` - Time when the request fired `abort` event.
    - `phases`
        - `wait` - `timings.socket - timings.start`
        - `dns` - `timings.lookup - timings.socket`
        - `tcp` - `timings.connect - timings.lookup`
        - `tls` - `timings.secureConnect - timings.connect`
        - `request` - `timings.upload - (timings.secureConnect || timings.connect)`
        - `firstByte` - `timings.response - timings.upload`
        - `download` - `timings.end - timings.response`
        - `total` - `(timings.end || timings.error || timings.abort) - timings.start`

    If something has not been measured yet, it will be `undefined`.

    __Note__: The time is a `number` representing the milliseconds elapsed since the UNIX epoch.
    */
    get timings() {
        return this._request?.timings;
    }
    /**
    Whether the response was retrieved from the cache.
    */
    get isFromCache() {
        return this._isFromCache;
    }
    get reusedSocket() {
        return this._request?.reusedSocket;
    }
    /**
    Whether the stream is read-only. Returns `true` when `body`, `json`, or `form` options are provided.
    */
    get isReadonly() {
        return !distribution.undefined(this.options?.body) || !distribution.undefined(this.options?.json) || !distribution.undefined(this.options?.form);
    }
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/as-promise/types.js

/**
An error to be thrown when the request is aborted with `.cancel()`.
*/
class types_CancelError extends RequestError {
    constructor(request) {
        super('Promise was canceled', {}, request);
        this.name = 'CancelError';
        this.code = 'ERR_CANCELED';
    }
    /**
    Whether the promise is canceled.
    */
    get isCanceled() {
        return true;
    }
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/as-promise/index.js








const as_promise_proxiedRequestEvents = [
    'request',
    'response',
    'redirect',
    'uploadProgress',
    'downloadProgress',
];
function asPromise(firstRequest) {
    let globalRequest;
    let globalResponse;
    let normalizedOptions;
    const emitter = new external_node_events_namespaceObject.EventEmitter();
    let promiseSettled = false;
    const promise = new PCancelable((resolve, reject, onCancel) => {
        onCancel(() => {
            globalRequest.destroy();
        });
        onCancel.shouldReject = false;
        onCancel(() => {
            promiseSettled = true;
            reject(new types_CancelError(globalRequest));
        });
        const makeRequest = (retryCount) => {
            // Errors when a new request is made after the promise settles.
            // Used to detect a race condition.
            // See https://github.com/sindresorhus/got/issues/1489
            onCancel(() => { });
            const request = firstRequest ?? new Request(undefined, undefined, normalizedOptions);
            request.retryCount = retryCount;
            request._noPipe = true;
            globalRequest = request;
            request.once('response', async (response) => {
                // Parse body
                const contentEncoding = (response.headers['content-encoding'] ?? '').toLowerCase();
                const isCompressed = contentEncoding === 'gzip' || contentEncoding === 'deflate' || contentEncoding === 'br' || contentEncoding === 'zstd';
                const { options } = request;
                if (isCompressed && !options.decompress) {
                    response.body = response.rawBody;
                }
                else {
                    try {
                        response.body = parseBody(response, options.responseType, options.parseJson, options.encoding);
                    }
                    catch (error) {
                        // Fall back to `utf8`
                        try {
                            response.body = response.rawBody.toString();
                        }
                        catch (error) {
                            request._beforeError(new ParseError(error, response));
                            return;
                        }
                        if (isResponseOk(response)) {
                            request._beforeError(error);
                            return;
                        }
                    }
                }
                try {
                    const hooks = options.hooks.afterResponse;
                    for (const [index, hook] of hooks.entries()) {
                        // @ts-expect-error TS doesn't notice that CancelableRequest is a Promise
                        // eslint-disable-next-line no-await-in-loop
                        response = await hook(response, async (updatedOptions) => {
                            const preserveHooks = updatedOptions.preserveHooks ?? false;
                            options.merge(updatedOptions);
                            options.prefixUrl = '';
                            if (updatedOptions.url) {
                                options.url = updatedOptions.url;
                            }
                            // Remove any further hooks for that request, because we'll call them anyway.
                            // The loop continues. We don't want duplicates (asPromise recursion).
                            // Unless preserveHooks is true, in which case we keep the remaining hooks.
                            if (!preserveHooks) {
                                options.hooks.afterResponse = options.hooks.afterResponse.slice(0, index);
                            }
                            throw new RetryError(request);
                        });
                        if (!(distribution.object(response) && distribution.number(response.statusCode) && 'body' in response)) {
                            throw new TypeError('The `afterResponse` hook returned an invalid value');
                        }
                    }
                }
                catch (error) {
                    request._beforeError(error);
                    return;
                }
                globalResponse = response;
                if (!isResponseOk(response)) {
                    request._beforeError(new HTTPError(response));
                    return;
                }
                request.destroy();
                promiseSettled = true;
                resolve(request.options.resolveBodyOnly ? response.body : response);
            });
            let handledFinalError = false;
            const onError = (error) => {
                if (promise.isCanceled) {
                    return;
                }
                // Route errors emitted directly on the stream (e.g., EPIPE from Node.js)
                // through retry logic first, then handle them here after retries are exhausted.
                // See https://github.com/sindresorhus/got/issues/1995
                if (!request._stopReading) {
                    request._beforeError(error);
                    return;
                }
                // Allow the manual re-emission from Request to land only once.
                if (handledFinalError) {
                    return;
                }
                handledFinalError = true;
                promiseSettled = true;
                const { options } = request;
                if (error instanceof HTTPError && !options.throwHttpErrors) {
                    const { response } = error;
                    request.destroy();
                    resolve(request.options.resolveBodyOnly ? response.body : response);
                    return;
                }
                reject(error);
            };
            // Use .on() instead of .once() to keep the listener active across retries.
            // When _stopReading is false, we return early and the error gets re-emitted
            // after retry logic completes, so we need this listener to remain active.
            // See https://github.com/sindresorhus/got/issues/1995
            request.on('error', onError);
            const previousBody = request.options?.body;
            request.once('retry', (newRetryCount, error) => {
                firstRequest = undefined;
                // If promise already settled, don't retry
                // This prevents the race condition in #1489 where a late error
                // (e.g., ECONNRESET after successful response) triggers retry
                // after the promise has already resolved/rejected
                if (promiseSettled) {
                    return;
                }
                const newBody = request.options.body;
                if (previousBody === newBody && distribution.nodeStream(newBody)) {
                    error.message = 'Cannot retry with consumed body stream';
                    onError(error);
                    return;
                }
                // This is needed! We need to reuse `request.options` because they can get modified!
                // For example, by calling `promise.json()`.
                normalizedOptions = request.options;
                makeRequest(newRetryCount);
            });
            proxyEvents(request, emitter, as_promise_proxiedRequestEvents);
            if (distribution.undefined(firstRequest)) {
                void request.flush();
            }
        };
        makeRequest(0);
    });
    promise.on = (event, function_) => {
        emitter.on(event, function_);
        return promise;
    };
    promise.off = (event, function_) => {
        emitter.off(event, function_);
        return promise;
    };
    const shortcut = (promiseToAwait, responseType) => {
        const newPromise = (async () => {
            // Wait until downloading has ended
            await promiseToAwait;
            const { options } = globalResponse.request;
            return parseBody(globalResponse, responseType, options.parseJson, options.encoding);
        })();
        // eslint-disable-next-line @typescript-eslint/no-floating-promises
        Object.defineProperties(newPromise, Object.getOwnPropertyDescriptors(promiseToAwait));
        return newPromise;
    };
    // Note: These use `function` syntax (not arrows) to access `this` context.
    // When custom handlers wrap the promise to transform errors, these methods
    // are copied to the handler's promise. Using `this` ensures we await the
    // handler's wrapped promise, not the original, so errors propagate correctly.
    promise.json = function () {
        if (globalRequest.options) {
            const { headers } = globalRequest.options;
            if (!globalRequest.writableFinished && !('accept' in headers)) {
                headers.accept = 'application/json';
            }
        }
        return shortcut(this, 'json');
    };
    promise.buffer = function () {
        return shortcut(this, 'buffer');
    };
    promise.text = function () {
        return shortcut(this, 'text');
    };
    return promise;
}

;// CONCATENATED MODULE: ./node_modules/got/dist/source/create.js





const isGotInstance = (value) => distribution.function(value);
const aliases = [
    'get',
    'post',
    'put',
    'patch',
    'head',
    'delete',
];
const create = (defaults) => {
    defaults = {
        options: new Options(undefined, undefined, defaults.options),
        handlers: [...defaults.handlers],
        mutableDefaults: defaults.mutableDefaults,
    };
    Object.defineProperty(defaults, 'mutableDefaults', {
        enumerable: true,
        configurable: false,
        writable: false,
    });
    // Got interface
    const got = ((url, options, defaultOptions = defaults.options) => {
        const request = new Request(url, options, defaultOptions);
        let promise;
        const lastHandler = (normalized) => {
            // Note: `options` is `undefined` when `new Options(...)` fails
            request.options = normalized;
            request._noPipe = !normalized?.isStream;
            void request.flush();
            if (normalized?.isStream) {
                return request;
            }
            promise ||= asPromise(request);
            return promise;
        };
        let iteration = 0;
        const iterateHandlers = (newOptions) => {
            const handler = defaults.handlers[iteration++] ?? lastHandler;
            const result = handler(newOptions, iterateHandlers);
            if (distribution.promise(result) && !request.options?.isStream) {
                promise ||= asPromise(request);
                if (result !== promise) {
                    const descriptors = Object.getOwnPropertyDescriptors(promise);
                    for (const key in descriptors) {
                        if (key in result) {
                            // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
                            delete descriptors[key];
                        }
                    }
                    // eslint-disable-next-line @typescript-eslint/no-floating-promises
                    Object.defineProperties(result, descriptors);
                    result.cancel = promise.cancel;
                }
            }
            return result;
        };
        return iterateHandlers(request.options);
    });
    got.extend = (...instancesOrOptions) => {
        const options = new Options(undefined, undefined, defaults.options);
        const handlers = [...defaults.handlers];
        let mutableDefaults;
        for (const value of instancesOrOptions) {
            if (isGotInstance(value)) {
                options.merge(value.defaults.options);
                handlers.push(...value.defaults.handlers);
                mutableDefaults = value.defaults.mutableDefaults;
            }
            else {
                options.merge(value);
                if (value.handlers) {
                    handlers.push(...value.handlers);
                }
                mutableDefaults = value.mutableDefaults;
            }
        }
        return create({
            options,
            handlers,
            mutableDefaults: Boolean(mutableDefaults),
        });
    };
    // Pagination
    const paginateEach = (async function* (url, options) {
        let normalizedOptions = new Options(url, options, defaults.options);
        normalizedOptions.resolveBodyOnly = false;
        const { pagination } = normalizedOptions;
        assert.function(pagination.transform);
        assert.function(pagination.shouldContinue);
        assert.function(pagination.filter);
        assert.function(pagination.paginate);
        assert.number(pagination.countLimit);
        assert.number(pagination.requestLimit);
        assert.number(pagination.backoff);
        const allItems = [];
        let { countLimit } = pagination;
        let numberOfRequests = 0;
        while (numberOfRequests < pagination.requestLimit) {
            if (numberOfRequests !== 0) {
                // eslint-disable-next-line no-await-in-loop
                await (0,external_node_timers_promises_namespaceObject.setTimeout)(pagination.backoff);
            }
            // eslint-disable-next-line no-await-in-loop
            const response = (await got(undefined, undefined, normalizedOptions));
            // eslint-disable-next-line no-await-in-loop
            const parsed = await pagination.transform(response);
            const currentItems = [];
            assert.array(parsed);
            for (const item of parsed) {
                if (pagination.filter({ item, currentItems, allItems })) {
                    if (!pagination.shouldContinue({ item, currentItems, allItems })) {
                        return;
                    }
                    yield item;
                    if (pagination.stackAllItems) {
                        allItems.push(item);
                    }
                    currentItems.push(item);
                    if (--countLimit <= 0) {
                        return;
                    }
                }
            }
            const optionsToMerge = pagination.paginate({
                response,
                currentItems,
                allItems,
            });
            if (optionsToMerge === false) {
                return;
            }
            if (optionsToMerge === response.request.options) {
                normalizedOptions = response.request.options;
            }
            else {
                normalizedOptions.merge(optionsToMerge);
                try {
                    assert.any([distribution.urlInstance, distribution.undefined], optionsToMerge.url);
                }
                catch (error) {
                    if (error instanceof Error) {
                        error.message = `Option 'pagination.paginate.url': ${error.message}`;
                    }
                    throw error;
                }
                if (optionsToMerge.url !== undefined) {
                    normalizedOptions.prefixUrl = '';
                    normalizedOptions.url = optionsToMerge.url;
                }
            }
            numberOfRequests++;
        }
    });
    got.paginate = paginateEach;
    got.paginate.all = (async (url, options) => {
        const results = [];
        for await (const item of paginateEach(url, options)) {
            results.push(item);
        }
        return results;
    });
    // For those who like very descriptive names
    got.paginate.each = paginateEach;
    // Stream API
    got.stream = ((url, options) => got(url, { ...options, isStream: true }));
    // Shortcuts
    for (const method of aliases) {
        got[method] = ((url, options) => got(url, { ...options, method }));
        got.stream[method] = ((url, options) => got(url, { ...options, method, isStream: true }));
    }
    if (!defaults.mutableDefaults) {
        Object.freeze(defaults.handlers);
        defaults.options.freeze();
    }
    Object.defineProperty(got, 'defaults', {
        value: defaults,
        writable: false,
        configurable: false,
        enumerable: true,
    });
    return got;
};
/* harmony default export */ const source_create = (create);

;// CONCATENATED MODULE: ./node_modules/got/dist/source/index.js


const defaults = {
    options: new Options(),
    handlers: [],
    mutableDefaults: false,
};
const got = source_create(defaults);
/* harmony default export */ const dist_source = (got);
// TODO: Remove this in the next major version.













;// CONCATENATED MODULE: ./src/net/body.ts

/** The most of a response body the tool reads, before and after decompression. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Decodes a response body by its Content-Encoding, never producing more than
 * {@link MAX_BODY_BYTES}: a gzip bomb stops at the cap instead of filling memory.
 * Returns the problem instead when the body cannot be decoded within the cap.
 */
function decodeBody(raw, encoding) {
    const codings = (encoding ?? '')
        .toLowerCase()
        .split(',')
        .map((coding) => coding.trim())
        .filter((coding) => coding !== '' && coding !== 'identity');
    let body = raw;
    try {
        // Codings are listed in the order they were applied: undo them from the last.
        for (const coding of codings.reverse())
            body = decode(body, coding);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
            return {
                problem: `the ${codings.join(', ')} body decompresses to more than ${MAX_BODY_BYTES / 1024} KiB`,
            };
        }
        return { problem: `the body is not valid ${codings.join(', ')} (${error.message})` };
    }
    return { text: body.toString('utf8') };
}
function decode(body, coding) {
    const options = { maxOutputLength: MAX_BODY_BYTES };
    if (coding === 'gzip' || coding === 'x-gzip')
        return (0,external_node_zlib_namespaceObject.gunzipSync)(body, options);
    if (coding === 'deflate')
        return (0,external_node_zlib_namespaceObject.inflateSync)(body, options);
    if (coding === 'br')
        return (0,external_node_zlib_namespaceObject.brotliDecompressSync)(body, options);
    throw new Error(`unsupported content coding ${JSON.stringify(coding)}`);
}

;// CONCATENATED MODULE: ./src/net/address.ts

const LOOPBACK = new external_node_net_namespaceObject.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const LINK_LOCAL = new external_node_net_namespaceObject.BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4'); // the cloud metadata address lives here
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
const PRIVATE = new external_node_net_namespaceObject.BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local
const UNSPECIFIED = new external_node_net_namespaceObject.BlockList();
UNSPECIFIED.addSubnet('0.0.0.0', 8, 'ipv4');
UNSPECIFIED.addAddress('::', 'ipv6');
/**
 * Classifies an IP address. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are classified as the
 * IPv4 address they carry, so the mapping is no way around the guard.
 */
function classifyAddress(address) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = (0,external_node_net_namespaceObject.isIP)(ip) === 6 ? 'ipv6' : 'ipv4';
    if ((0,external_node_net_namespaceObject.isIP)(ip) === 0)
        return 'public';
    if (LOOPBACK.check(ip, family))
        return 'loopback';
    if (LINK_LOCAL.check(ip, family))
        return 'link-local';
    if (PRIVATE.check(ip, family))
        return 'private';
    if (UNSPECIFIED.check(ip, family))
        return 'unspecified';
    return 'public';
}
/** Whether requests to an address of this class need the issuer to be on such a network too. */
function isInternal(kind) {
    return kind !== 'public';
}

;// CONCATENATED MODULE: ./src/net/guard.ts



/** The system resolver, as Node's HTTP client would use it. */
const systemLookup = (hostname) => new Promise((resolve, reject) => (0,external_node_dns_namespaceObject.lookup)(hostname, { all: true }, (error, addresses) => error ? reject(error) : resolve(addresses)));
/** The addresses of a URL's host: an IP literal is its own answer. */
async function resolveHost(url, lookup) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if ((0,external_node_net_namespaceObject.isIP)(host))
        return [{ address: host, family: (0,external_node_net_namespaceObject.isIP)(host) }];
    return lookup(host);
}
/**
 * Why requests to these addresses must not be sent, or undefined when they may: an endpoint on
 * an internal network (loopback, link-local such as the cloud metadata address, private) is
 * refused when the issuer is on the public internet. A booking system never needs that, and an
 * attacker-controlled discovery document could otherwise aim the runner at its own network.
 */
function internalAddressProblem(addresses, issuerInternal) {
    if (issuerInternal)
        return undefined;
    const internal = addresses
        .map(({ address }) => ({ address, kind: classifyAddress(address) }))
        .filter(({ kind }) => isInternal(kind));
    if (internal.length === 0)
        return undefined;
    return `resolves to ${internal.map(({ address, kind }) => `${address} (${kind})`).join(', ')}, while the issuer is public`;
}
/** Whether any of the issuer's addresses is internal: then internal endpoints are expected. */
function anyInternal(addresses) {
    return addresses.some(({ address }) => isInternal(classifyAddress(address)));
}
/**
 * A lookup function for Node's HTTP client that applies {@link internalAddressProblem} to the
 * addresses it is about to connect to: the check is made again at connection time, so a name
 * that resolves differently the second time (DNS rebinding) is still refused.
 */
function guardedLookup(lookup, issuerInternal) {
    return ((hostname, options, callback) => {
        lookup(hostname).then((addresses) => {
            const problem = internalAddressProblem(addresses, issuerInternal);
            if (problem) {
                callback(Object.assign(new Error(`${hostname} ${problem}`), { code: 'ERR_ENDPOINT_ADDRESS' }));
            }
            else if (addresses.length === 0) {
                callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
            }
            else if (options.all)
                callback(null, addresses);
            else
                callback(null, addresses[0].address, addresses[0].family);
        }, (error) => callback(error));
    });
}

;// CONCATENATED MODULE: ./src/tool.ts
/** The tool's name and version, as reported in the JSON report and the User-Agent header. */
const TOOL = { name: 'openactive-auth-check', version: '0.1.0' };

;// CONCATENATED MODULE: ./src/http.ts






/** Failures that say nothing about conformance, worth another try. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);
const MAX_RETRIES = 2;
/** Requests in flight at once: probes run beside the main flow, but never as a flood. */
const MAX_CONCURRENT = 4;
const RETRY_AFTER_CAP_MS = 10_000;
const BACKOFF_MS = 500;
const TLS_CODES = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/**
 * The one HTTP client: every request the tool makes goes through it and is recorded.
 *
 * Redirects are not followed (a redirect is something to report, not to obey, and credentials
 * must not follow it); every request ends within `timeoutMs` and the run's budget; a body is
 * read up to {@link MAX_BODY_BYTES}, before and after decompression. Network errors, 429 and
 * 502–504 are retried at most twice (a POST only when nothing reached the server: 429 or a
 * refused connection), and each retry is recorded with the exchange.
 */
class HttpClient {
    exchanges = [];
    #got;
    #timeoutMs;
    #deadline;
    #lookup;
    constructor(options) {
        this.#timeoutMs = options.timeoutMs;
        this.#deadline = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
        this.#lookup = options.lookup;
        this.#got = dist_source.extend({
            throwHttpErrors: false,
            followRedirect: false,
            retry: { limit: 0 },
            decompress: false,
            responseType: 'buffer',
            headers: {
                'user-agent': `${TOOL.name}/${TOOL.version}`,
                'accept-encoding': 'gzip, deflate, br',
            },
            https: options.caCertificate
                ? { certificateAuthority: [...external_node_tls_namespaceObject.rootCertificates, options.caCertificate] }
                : {},
        });
    }
    /**
     * From now on, connections to internal addresses (loopback, link-local, private) are refused
     * at connection time, except to the issuer's origin and the allowed ones, unless the issuer is
     * internal too. Discovery decides this, after checking the advertised endpoints' addresses.
     */
    guardAddresses(guard) {
        this.#guard = { ...guard, exempt: new Set(guard.exempt) };
    }
    #guard;
    #lookupFor(url) {
        const guard = this.#guard;
        if (guard && !guard.issuerInternal && !guard.exempt.has(new URL(url).origin)) {
            return guardedLookup(guard.lookup, false);
        }
        return this.#lookup ? guardedLookup(this.#lookup, true) : undefined;
    }
    /**
     * Records an exchange the tool did not send itself: a browser's, during the seller's login in
     * browser mode (Chromium does that network traffic; this keeps it in the transcript).
     */
    record(exchange) {
        this.exchanges.push(exchange);
    }
    /** Sends one request; a network error is recorded in the exchange, never thrown. */
    async send(request) {
        const exchange = {
            stage: request.stage,
            label: request.label,
            method: request.method,
            url: request.url,
            requestHeaders: recordedHeaders(request.headers ?? {}),
            requestBody: request.body,
            responseHeaders: {},
            responseBody: '',
            startedAt: Date.now(),
            durationMs: 0,
        };
        // Recorded in the order requests are made, whatever order their answers come in.
        this.exchanges.push(exchange);
        if (!request.critical)
            await this.#slot();
        exchange.startedAt = Date.now();
        const started = performance.now();
        const retries = [];
        try {
            for (;;) {
                await this.#attempt(request, exchange);
                const delay = this.#retryDelay(request, exchange, retries.length);
                if (delay === undefined)
                    break;
                retries.push({ reason: exchange.error?.code ?? `HTTP ${exchange.status}`, delayMs: delay });
                await new Promise((resolve) => setTimeout(resolve, delay));
            }
        }
        finally {
            if (!request.critical)
                this.#release();
        }
        if (retries.length > 0)
            exchange.retries = retries;
        exchange.durationMs = Math.round(performance.now() - started);
        return exchange;
    }
    #active = 0;
    #waiting = [];
    /** Waits for one of the {@link MAX_CONCURRENT} request slots; FIFO, so order is kept. */
    async #slot() {
        if (this.#active < MAX_CONCURRENT) {
            this.#active++;
            return;
        }
        await new Promise((resolve) => this.#waiting.push(resolve));
    }
    #release() {
        const next = this.#waiting.shift();
        if (next)
            next();
        else
            this.#active--;
    }
    async #attempt(request, exchange) {
        exchange.status = undefined;
        exchange.error = undefined;
        exchange.responseHeaders = {};
        exchange.responseBody = '';
        const remaining = this.#deadline - performance.now();
        if (remaining <= 0) {
            exchange.error = {
                code: 'ERR_RUN_BUDGET',
                message: 'the run’s time budget was spent; the request was not sent',
            };
            return;
        }
        let tooLarge = false;
        try {
            const lookup = this.#lookupFor(request.url);
            const pending = this.#got(request.url, {
                method: request.method,
                headers: request.headers,
                body: request.body,
                ...(request.cookieJar ? { cookieJar: request.cookieJar } : {}),
                timeout: { request: Math.max(1, Math.min(this.#timeoutMs, Math.floor(remaining))) },
                ...(lookup ? { dnsLookup: lookup } : {}),
            });
            // A server must not be able to fill our memory: stop reading past the cap.
            pending.on('downloadProgress', ({ transferred }) => {
                if (transferred > MAX_BODY_BYTES && !tooLarge) {
                    tooLarge = true;
                    pending.cancel();
                }
            });
            const response = await pending;
            exchange.status = response.statusCode;
            exchange.responseHeaders = { ...response.headers };
            const raw = Buffer.isBuffer(response.rawBody)
                ? response.rawBody
                : Buffer.from(String(response.body));
            const body = decodeBody(raw, http_header(response.headers['content-encoding']));
            if ('text' in body)
                exchange.responseBody = body.text;
            else {
                // Without a usable body there is no response to check: report the reason instead.
                exchange.error = {
                    code: 'ERR_BODY_UNREADABLE',
                    message: `HTTP ${response.statusCode}, but ${body.problem}`,
                };
                exchange.status = undefined;
            }
        }
        catch (error) {
            exchange.error = tooLarge
                ? {
                    code: 'ERR_BODY_TOO_LARGE',
                    message: `the response exceeded ${MAX_BODY_BYTES / 1024} KiB and was cut`,
                }
                : describeError(error, request.url);
        }
    }
    /** How long to wait before another try, or undefined for none. */
    #retryDelay(request, exchange, done) {
        if (done >= MAX_RETRIES)
            return undefined;
        const code = exchange.error?.code;
        const status = exchange.status;
        const retryable = (code !== undefined && RETRY_CODES.has(code)) ||
            (status !== undefined && RETRY_STATUSES.has(status));
        if (!retryable)
            return undefined;
        const nothingReached = status === 429 || code === 'ECONNREFUSED';
        if (request.method !== 'GET' && !nothingReached)
            return undefined;
        const retryAfter = status === 429 || status === 503
            ? retryAfterMs(http_header(exchange.responseHeaders['retry-after']))
            : undefined;
        const delay = Math.min(retryAfter ?? BACKOFF_MS * 2 ** done, RETRY_AFTER_CAP_MS);
        // A retry that cannot finish within the budget is not worth starting.
        return performance.now() + delay + this.#timeoutMs / 4 < this.#deadline ? delay : undefined;
    }
}
/** Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
function retryAfterMs(value, now = Date.now()) {
    if (value === undefined)
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function http_header(value) {
    return Array.isArray(value) ? value.join(', ') : value;
}
/** Request headers as recorded: credentials never reach the recording. */
function recordedHeaders(headers) {
    const out = {};
    for (const [name, value] of Object.entries(headers)) {
        out[name] = name.toLowerCase() === 'authorization' ? value.replace(/ .*/, ' [REDACTED]') : value;
    }
    return out;
}
function describeError(error, url) {
    if (error instanceof RequestError) {
        const code = error.code ?? 'ERR_REQUEST';
        if (error.name === 'TimeoutError') {
            return { code, message: `no response within the request timeout (${code})` };
        }
        const reason = error.cause instanceof Error ? error.cause.message : error.message;
        if (TLS_CODES.has(code)) {
            return {
                code,
                message: `TLS: the certificate of ${new URL(url).host} is not trusted: ${reason} (${code}); if a private CA issued it, give that CA in ca-certificate`,
            };
        }
        return { code, message: reason };
    }
    return { code: 'ERR_UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

;// CONCATENATED MODULE: ./src/checks/headers.ts


/** A response carrying a secret must not be cached (RFC 6749 §5.1; RFC 7591 §3.2.1). */
function checkNoStore(exchange, id) {
    const cacheControl = header(exchange, 'cache-control');
    const directives = (cacheControl ?? '')
        .toLowerCase()
        .split(',')
        .map((item) => item.trim());
    if (directives.includes('no-store'))
        return passed(id, `Cache-Control is ${JSON.stringify(cacheControl)}.`);
    const seen = cacheControl === undefined ? 'absent' : JSON.stringify(cacheControl);
    return violated(id, `Cache-Control is ${seen}; a response carrying a secret needs no-store.`);
}

;// CONCATENATED MODULE: ./src/checks/token.ts



/** The syntax of a Bearer token in an Authorization header (RFC 6750 §2.1). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** OpenActive recommends 15-minute access tokens. */
const RECOMMENDED_LIFETIME_SECONDS = 900;
/** Checks a client credentials token response. */
function checkTokenResponse(exchange, scope) {
    const body = exchange.status === 200 ? parseJson(exchange.responseBody) : undefined;
    if (exchange.status !== 200) {
        const message = `The client credentials grant was refused: ${describeResponse(exchange)}.`;
        return { findings: [violated('token.succeeded', message)] };
    }
    if (!isJsonObject(body)) {
        const message = `The token endpoint answered 200, but the body is not a JSON object: ${excerpt(exchange.responseBody)}.`;
        return { findings: [violated('token.succeeded', message)] };
    }
    const accessToken = body.access_token;
    if (accessToken === undefined || accessToken === '' || accessToken === null) {
        const errorBody = typeof body.error === 'string'
            ? ' Error responses must use 400 (or 401 for invalid_client with Basic authentication), RFC 6749 §5.2.'
            : '';
        const message = `The token endpoint returned 200 without access_token; body: ${excerpt(exchange.responseBody)}.${errorBody}`;
        return { findings: [violated('token.succeeded', message)] };
    }
    // Not shown: whatever it holds may be a credential.
    if (typeof accessToken !== 'string') {
        const message = `access_token is a JSON ${Array.isArray(accessToken) ? 'array' : typeof accessToken}, not a string (RFC 6749 §5.1).`;
        return { findings: [violated('token.succeeded', message)] };
    }
    if (!B64TOKEN.test(accessToken)) {
        const message = 'access_token has characters that cannot be sent as a Bearer token (RFC 6750 §2.1 b64token: letters, digits and - . _ ~ + / then =).';
        return { findings: [violated('token.succeeded', message)] };
    }
    return {
        findings: [
            passed('token.succeeded', 'The client credentials grant returned an access token.'),
            checkContentType(exchange),
            checkTokenType(body.token_type),
            checkScope(body.scope, scope),
            ...checkExpiresIn(body.expires_in),
            body.refresh_token === undefined
                ? passed('token.no-refresh-token', 'No refresh_token was issued.')
                : violated('token.no-refresh-token', 'A refresh_token was issued to the client credentials grant.'),
            checkNoStore(exchange, 'token.no-store'),
        ],
        accessToken,
        expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    };
}
function checkContentType(exchange) {
    const type = mediaType(exchange);
    if (type === 'application/json')
        return passed('token.content-type', `Served as ${shown(type)}.`);
    const also = isJsonMediaType(type) ? '' : '; the body parsed as JSON';
    return violated('token.content-type', `The token response must be application/json (got ${shown(type)})${also}.`);
}
function checkTokenType(tokenType) {
    if (typeof tokenType === 'string' && tokenType.toLowerCase() === 'bearer') {
        return passed('token.token-type', `token_type is ${shown(tokenType)}.`);
    }
    return violated('token.token-type', `token_type is ${shown(tokenType)}; it must be Bearer.`);
}
function checkScope(scope, requested) {
    if (scope === undefined) {
        return passed('token.scope', 'scope is absent, which means the requested scope was granted (RFC 6749 §5.1).');
    }
    if (typeof scope !== 'string') {
        const found = Array.isArray(scope)
            ? ` It lists ${scope.map((item) => shown(item)).join(', ')}.`
            : '';
        const got = Array.isArray(scope) ? 'JSON array' : shown(scope);
        return violated('token.scope', `scope must be a space-delimited string (got ${got}).${found}`);
    }
    const missing = requested.split(' ').filter((token) => !scope.split(' ').includes(token));
    if (missing.length > 0) {
        return violated('token.scope', `scope is ${shown(scope)}; it does not grant ${shown(missing.join(' '))}.`);
    }
    return passed('token.scope', `scope is ${shown(scope)}.`);
}
function checkExpiresIn(expiresIn) {
    if (expiresIn === undefined) {
        return [
            passed('token.expires-in-type', 'expires_in is absent.'),
            violated('token.expires-in', 'expires_in is absent: partners cannot tell when to ask for a new token.'),
        ];
    }
    if (typeof expiresIn !== 'number') {
        return [
            violated('token.expires-in-type', `expires_in is ${shown(expiresIn)}, a ${typeof expiresIn}; it must be a JSON number.`),
            skipped('token.expires-in', 'Not checked: expires_in is not a number.'),
        ];
    }
    const type = passed('token.expires-in-type', `expires_in is the number ${expiresIn}.`);
    if (expiresIn <= 0) {
        const message = `expires_in is ${expiresIn} s: the token is expired as it is issued, and partners that trust it ask for a new one on every request.`;
        return [type, violated('token.expires-in', message)];
    }
    if (expiresIn > RECOMMENDED_LIFETIME_SECONDS) {
        const message = `expires_in is ${expiresIn} s; OpenActive recommends at most ${RECOMMENDED_LIFETIME_SECONDS} s (15 minutes).`;
        return [type, violated('token.expires-in', message)];
    }
    return [type, passed('token.expires-in', `expires_in is ${expiresIn} s.`)];
}
/**
 * The diagnosis when RFC 6749 form-urlencoded Basic credentials were refused: was it the
 * encoding? `raw` is the same request with the unencoded credentials (RFC 7617 only).
 */
function diagnoseBasicEncoding(spec, raw) {
    if (raw.status !== 200 || !isJsonObject(parseJson(raw.responseBody)))
        return undefined;
    return violated('token.succeeded', `The server rejected RFC 6749 §2.3.1 form-urlencoded Basic credentials (${describeResponse(spec)}) ` +
        'but accepted unencoded ones; the server must form-urldecode the user name and password.');
}
/** Checks the answer to the client credentials grant with a wrong client secret. */
function checkWrongSecret(exchange) {
    const body = parseJson(exchange.responseBody);
    const token = isJsonObject(body) ? body.access_token : undefined;
    if (exchange.status === 200 && typeof token === 'string' && token !== '') {
        return [
            violated('token.rejects-wrong-secret', 'A wrong client secret got an access token: the client is not authenticated.'),
            skipped('token.invalid-client-error', 'Not applicable: the wrong secret was not refused.'),
        ];
    }
    const refused = passed('token.rejects-wrong-secret', `A wrong client secret got no access token (${exchange.error ? exchange.error.code : `HTTP ${exchange.status}`}).`);
    const error = isJsonObject(body) ? body.error : undefined;
    const challenge = header(exchange, 'www-authenticate');
    const problems = [];
    if (exchange.status !== 401)
        problems.push(`status ${exchange.status ?? exchange.error?.code}`);
    if (error !== 'invalid_client')
        problems.push(`error ${shown(error)}`);
    if (!challenge)
        problems.push('no WWW-Authenticate header');
    if (problems.length === 0) {
        return [
            refused,
            passed('token.invalid-client-error', `Refused with 401 invalid_client and WWW-Authenticate: ${challenge}.`),
        ];
    }
    const message = `A wrong client secret was refused with ${problems.join(', ')}; RFC 6749 §5.2 specifies 401, error "invalid_client" and WWW-Authenticate.`;
    return [refused, violated('token.invalid-client-error', message)];
}
/**
 * Checks the answer to a client credentials request for openactive-openbooking by a client
 * registered for the Orders feed: refused, or narrowed, never granted. `claims` are the
 * token's claims when it is a JWT, consulted when the response omits scope.
 */
function checkScopeEscalation(exchange, probeScope, claims) {
    const id = 'token.scope-not-escalated';
    const body = exchange.error ? undefined : parseJson(exchange.responseBody);
    const token = isJsonObject(body) ? body.access_token : undefined;
    // Whatever the status, a response that carries a token has handed it out.
    if (typeof token !== 'string' || token === '') {
        if (exchange.error || (exchange.status ?? 0) >= 500) {
            return skipped(id, `Could not tell: ${describeResponse(exchange)}.`);
        }
        const error = isJsonObject(body) && typeof body.error === 'string' ? ` ${body.error}` : '';
        return passed(id, `A request for ${probeScope} was refused (HTTP ${exchange.status}${error}).`);
    }
    const status = exchange.status === 200 ? '' : ` with HTTP ${exchange.status}`;
    // The token's own scope claim decides what it opens; the response's scope field only says.
    const stated = isJsonObject(body) ? body.scope : undefined;
    const claimed = scopes(claims?.scope);
    if (claimed?.includes(probeScope)) {
        const field = scopes(stated);
        const but = field && !field.includes(probeScope)
            ? `, though the response's scope says ${shown(stated)}`
            : '';
        return violated(id, `A request for ${probeScope} by the Orders feed client got a token${status} whose scope claim grants it${but}.`);
    }
    const granted = claimed ?? scopes(stated) ?? [probeScope];
    if (granted.includes(probeScope)) {
        const how = stated === undefined && claims?.scope === undefined
            ? ' (the response names no scope, so the requested one was granted)'
            : '';
        return violated(id, `A request for ${probeScope} by the Orders feed client was granted${status}${how}.`);
    }
    return passed(id, `A request for ${probeScope} was narrowed to ${shown(granted.join(' '))}.`);
}
/** A scope as a list, from a space-separated string or an array; undefined when neither. */
function scopes(value) {
    if (typeof value === 'string')
        return value.split(' ');
    if (Array.isArray(value))
        return value.map(String);
    return undefined;
}
/** Checks the answer to a GET on the token endpoint. */
function checkGetRejected(exchange) {
    const status = exchange.status;
    if (status !== undefined && status >= 400 && status < 500) {
        return passed('token.get-rejected', `GET was refused with ${status}.`);
    }
    return violated('token.get-rejected', `GET on the token endpoint got ${describeResponse(exchange)}; only POST is allowed.`);
}

;// CONCATENATED MODULE: ./src/checks/access-token-claims.ts



/** How far exp − iat may differ from expires_in: the time the response took to arrive, and more. */
const LIFETIME_TOLERANCE_SECONDS = 60;
/** Claims of an ID token or about a person, which an access token for the Orders feed should not carry. */
const PERSONAL_CLAIMS = [
    'name',
    'given_name',
    'family_name',
    'email',
    'phone_number',
    'address',
    'birthdate',
    'nonce',
    'at_hash',
    'auth_time',
];
const SELLER_ID = 'https://openactive.io/sellerId';
/** Whether the token's alg is one the discovery document advertises for signing. */
function checkAlgAdvertised(header, advertised) {
    if (!Array.isArray(advertised)) {
        return skipped('access-token.alg-advertised', 'Not checked: id_token_signing_alg_values_supported is not an array.');
    }
    if (advertised.includes(header.alg)) {
        return passed('access-token.alg-advertised', `alg ${shown(header.alg)} is advertised.`);
    }
    return violated('access-token.alg-advertised', `alg ${shown(header.alg)} is not in id_token_signing_alg_values_supported ${shown(advertised)}.`);
}
function checkAudience(claims) {
    const aud = claims.aud;
    const present = (typeof aud === 'string' && aud !== '') || (Array.isArray(aud) && aud.length > 0);
    if (present)
        return passed('access-token.audience', `aud is ${shown(aud)}.`);
    return violated('access-token.audience', `aud is ${shown(aud)}; RFC 9068 §2.2 requires the intended resource server.`);
}
function checkRequiredClaims(claims) {
    const missing = ['sub', 'jti', 'iat'].filter((name) => claims[name] === undefined);
    if (missing.length === 0)
        return passed('access-token.required-claims', 'sub, jti and iat are present.');
    return violated('access-token.required-claims', `Missing ${missing.join(', ')} (RFC 9068 §2.2).`);
}
/** exp − iat against expires_in, and the lifetime against OpenActive's 15 minutes. */
function checkLifetime(claims, expiresIn) {
    const { exp, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number') {
        if (expiresIn === undefined)
            return skipped('access-token.lifetime', 'Not checked: neither exp − iat nor expires_in is known.');
    }
    const lifetime = typeof exp === 'number' && typeof iat === 'number' ? exp - iat : expiresIn;
    const problems = [];
    if (typeof exp === 'number' && typeof iat === 'number' && expiresIn !== undefined) {
        if (Math.abs(exp - iat - expiresIn) > LIFETIME_TOLERANCE_SECONDS) {
            problems.push(`exp − iat is ${exp - iat} s but expires_in said ${expiresIn} s`);
        }
    }
    if (lifetime !== undefined && lifetime > RECOMMENDED_LIFETIME_SECONDS) {
        problems.push(`the token lives ${lifetime} s; OpenActive recommends at most ${RECOMMENDED_LIFETIME_SECONDS} s (15 minutes)`);
    }
    if (problems.length === 0)
        return passed('access-token.lifetime', `The token lives ${lifetime} s.`);
    const text = problems.join('; ');
    return violated('access-token.lifetime', `${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
}
function checkClaimsMinimal(claims) {
    const personal = PERSONAL_CLAIMS.filter((name) => claims[name] !== undefined);
    const notes = [];
    if (personal.length > 0)
        notes.push(`personal or ID-token claims: ${personal.join(', ')}`);
    if (claims[SELLER_ID] !== undefined)
        notes.push(`${SELLER_ID}, though the Orders feed is not seller-specific`);
    if (notes.length === 0)
        return passed('access-token.claims-minimal', 'No personal, ID-token or seller claims.');
    return violated('access-token.claims-minimal', `The access token carries ${notes.join('; ')}.`);
}

;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/buffer_utils.js
const buffer_utils_encoder = new TextEncoder(), decoder = new TextDecoder(), strictDecoder = new TextDecoder("utf-8", { fatal: !0 }), UINT32_RANGE = (/* unused pure expression or super */ null && (2 ** 32));
function concat(...buffers) {
  const size = buffers.reduce((acc, { length }) => acc + length, 0), buf = new Uint8Array(size);
  let i = 0;
  for (const buffer of buffers)
    buf.set(buffer, i), i += buffer.length;
  return buf;
}
function writeUInt32BE(buf, value, offset) {
  if (value < 0 || value >= UINT32_RANGE)
    throw new RangeError(`value must be >= 0 and <= ${UINT32_RANGE - 1}. Received ${value}`);
  buf.set([value >>> 24, value >>> 16, value >>> 8, value & 255], offset);
}
function uint64be(value) {
  const high = Math.floor(value / UINT32_RANGE), low = value % UINT32_RANGE, buf = new Uint8Array(8);
  return writeUInt32BE(buf, high, 0), writeUInt32BE(buf, low, 4), buf;
}
function uint32be(value) {
  const buf = new Uint8Array(4);
  return writeUInt32BE(buf, value), buf;
}
const NON_ASCII = /[^\x00-\x7f]/;
function encode(string) {
  if (typeof string == "string" && string.length >= 128) {
    if (NON_ASCII.test(string))
      throw new TypeError("non-ASCII string encountered in encode()");
    return buffer_utils_encoder.encode(string);
  }
  const bytes = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) {
    const code = string.charCodeAt(i);
    if (code > 127)
      throw new TypeError("non-ASCII string encountered in encode()");
    bytes[i] = code;
  }
  return bytes;
}
function buffer_utils_encodeBase64(input, url = !1) {
  if (Uint8Array.prototype.toBase64)
    return input.toBase64({ alphabet: url ? "base64url" : "base64", omitPadding: url });
  const CHUNK_SIZE = 32768, arr = [];
  for (let i = 0; i < input.length; i += CHUNK_SIZE)
    arr.push(String.fromCharCode.apply(null, input.subarray(i, i + CHUNK_SIZE)));
  const encoded = btoa(arr.join(""));
  return url ? encoded.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_") : encoded;
}
function decodeBase64(encoded, url = !1) {
  if (Uint8Array.fromBase64)
    return Uint8Array.fromBase64(encoded, { alphabet: url ? "base64url" : "base64" });
  if (url) {
    if (encoded.includes("+") || encoded.includes("/"))
      throw new TypeError("Invalid base64url");
    encoded = encoded.replace(/-/g, "+").replace(/_/g, "/");
  }
  const binary = atob(encoded), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++)
    bytes[i] = binary.charCodeAt(i);
  return bytes;
}
async function digest(algorithm, data) {
  const subtleDigest = `SHA-${algorithm.slice(-3)}`;
  return new Uint8Array(await crypto.subtle.digest(subtleDigest, data));
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/base64url.js

const invalid = "The input to be decoded is not correctly encoded.";
function base64url_decode(input) {
  try {
    return decodeBase64(typeof input == "string" ? input : decoder.decode(input), !0);
  } catch (cause) {
    throw new TypeError(invalid, { cause });
  }
}
function base64url_encode(input) {
  return encodeBase64(typeof input == "string" ? encoder.encode(input) : input, !0);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/errors.js
class JOSEError extends Error {
  static code = "ERR_JOSE_GENERIC";
  code = "ERR_JOSE_GENERIC";
  constructor(message, options) {
    super(message, options), this.name = this.constructor.name, Error.captureStackTrace?.(this, this.constructor);
  }
}
class JWTClaimValidationFailed extends JOSEError {
  static code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JWTExpired extends JOSEError {
  static code = "ERR_JWT_EXPIRED";
  code = "ERR_JWT_EXPIRED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JOSEAlgNotAllowed extends JOSEError {
  static code = "ERR_JOSE_ALG_NOT_ALLOWED";
  code = "ERR_JOSE_ALG_NOT_ALLOWED";
}
class errors_JOSENotSupported extends JOSEError {
  static code = "ERR_JOSE_NOT_SUPPORTED";
  code = "ERR_JOSE_NOT_SUPPORTED";
}
class JWEDecryptionFailed extends JOSEError {
  static code = "ERR_JWE_DECRYPTION_FAILED";
  code = "ERR_JWE_DECRYPTION_FAILED";
  constructor(message = "decryption operation failed", options) {
    super(message, options);
  }
}
class JWEInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWE_INVALID"));
  code = "ERR_JWE_INVALID";
}
class errors_JWSInvalid extends JOSEError {
  static code = "ERR_JWS_INVALID";
  code = "ERR_JWS_INVALID";
}
class JWTInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWT_INVALID"));
  code = "ERR_JWT_INVALID";
}
class JWKInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWK_INVALID"));
  code = "ERR_JWK_INVALID";
}
class JWKSInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWKS_INVALID"));
  code = "ERR_JWKS_INVALID";
}
class JWKSNoMatchingKey extends JOSEError {
  static code = "ERR_JWKS_NO_MATCHING_KEY";
  code = "ERR_JWKS_NO_MATCHING_KEY";
  constructor(message = "no applicable key found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSMultipleMatchingKeys extends JOSEError {
  [Symbol.asyncIterator] = async function* () {
  };
  static code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  constructor(message = "multiple matching keys found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSTimeout extends JOSEError {
  static code = "ERR_JWKS_TIMEOUT";
  code = "ERR_JWKS_TIMEOUT";
  constructor(message = "request timed out", options) {
    super(message, options);
  }
}
class JWSSignatureVerificationFailed extends JOSEError {
  static code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  constructor(message = "signature verification failed", options) {
    super(message, options);
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/validate.js



function validate_assertUint8Array(input, label) {
  if (!(input instanceof Uint8Array))
    throw new TypeError(`${label} must be an instance of Uint8Array`);
}
function validate_isObject(input) {
  if (typeof input != "object" || input === null || Object.prototype.toString.call(input) !== "[object Object]")
    return !1;
  const prototype = Object.getPrototypeOf(input);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
function isJwkSet(input) {
  return validate_isObject(input) && Array.isArray(input.keys) && Array.from(input.keys).every(validate_isObject);
}
function isDisjoint(...headers) {
  const parameters = /* @__PURE__ */ new Set();
  for (const header of headers)
    if (header)
      for (const parameter of Object.keys(header)) {
        if (parameters.has(parameter))
          return !1;
        parameters.add(parameter);
      }
  return !0;
}
function assertNotSet(value, name) {
  if (value !== void 0)
    throw new TypeError(`${name} can only be called once`);
}
function decodeBase64url(value, label, ErrorClass) {
  try {
    return base64url_decode(value);
  } catch (cause) {
    throw new ErrorClass(`Failed to base64url decode the ${label}`, { cause });
  }
}
function encodeAsciiMember(value, label, ErrorClass) {
  try {
    return encode(value);
  } catch (cause) {
    throw new ErrorClass(`The ${label} is not a valid base64url string`, { cause });
  }
}
function parseJoseHeader(encodedProtectedHeader, ErrorClass, message) {
  let parsed;
  try {
    parsed = JSON.parse(strictDecoder.decode(base64url_decode(encodedProtectedHeader)));
  } catch (cause) {
    throw new ErrorClass(message, { cause });
  }
  if (!validate_isObject(parsed))
    throw new ErrorClass(message);
  return parsed;
}
const JWS_RECOGNIZED = { __proto__: null, b64: !0 }, JWE_RECOGNIZED = { __proto__: null };
function validateAlgorithms(option, algorithms) {
  if (algorithms !== void 0 && (!Array.isArray(algorithms) || algorithms.some((s) => typeof s != "string")))
    throw new TypeError(`"${option}" option must be an array of strings`);
  return algorithms === void 0 ? void 0 : new Set(algorithms);
}
function validateCritDuplicates(Err, protectedHeader) {
  const { crit } = protectedHeader ?? {};
  if (Array.isArray(crit) && new Set(crit).size !== crit.length)
    throw new Err('"crit" (Critical) Header Parameter MUST NOT contain duplicate values');
}
function validateCrit(Err, recognizedDefault, recognizedOption, protectedHeader, joseHeader) {
  if (joseHeader.crit !== void 0 && protectedHeader?.crit === void 0)
    throw new Err('"crit" (Critical) Header Parameter MUST be integrity protected');
  if (!protectedHeader || protectedHeader.crit === void 0)
    return [];
  if (!Array.isArray(protectedHeader.crit) || protectedHeader.crit.length === 0 || protectedHeader.crit.some((input) => typeof input != "string" || input.length === 0))
    throw new Err('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
  const recognized = recognizedOption === void 0 ? recognizedDefault : { __proto__: null, ...recognizedOption, ...recognizedDefault };
  for (const parameter of protectedHeader.crit) {
    if (!(parameter in recognized))
      throw new errors_JOSENotSupported(`Extension Header Parameter "${parameter}" is not recognized`);
    if (!Object.hasOwn(joseHeader, parameter) || joseHeader[parameter] === void 0)
      throw new Err(`Extension Header Parameter "${parameter}" is missing`);
    if (recognized[parameter] && (!Object.hasOwn(protectedHeader, parameter) || protectedHeader[parameter] === void 0))
      throw new Err(`Extension Header Parameter "${parameter}" MUST be integrity protected`);
  }
  return protectedHeader.crit;
}
function validateB64(protectedHeader, extensions) {
  if (extensions.includes("b64")) {
    const b64 = protectedHeader.b64;
    if (typeof b64 != "boolean")
      throw new errors_JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
    return b64;
  }
  return !0;
}
function serializeJoseHeader(Err, header) {
  let serialized, parsed;
  try {
    serialized = JSON.stringify(header), parsed = JSON.parse(serialized);
  } catch (cause) {
    throw new Err("JOSE Header is not valid JSON", { cause });
  }
  if (!validate_isObject(parsed))
    throw new Err("JOSE Header is not a JSON object");
  return [parsed, serialized];
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key.js



const tag = (key) => key[Symbol.toStringTag], jwkMatchesOp = (entry, key, usage) => {
  const { alg } = entry;
  if (key.use !== void 0) {
    const expected = usage === "sign" || usage === "verify" ? "sig" : "enc";
    if (key.use !== expected)
      throw new TypeError(`Invalid key for this operation, its "use" must be "${expected}" when present`);
  }
  if (key.kty === "AKP" && key.alg === void 0)
    throw new TypeError('missing "alg" (Algorithm) Parameter value');
  if (key.alg !== void 0 && key.alg !== alg)
    throw new TypeError(`Invalid key for this operation, its "alg" must be "${alg}" when present`);
  if (Array.isArray(key.key_ops)) {
    const expectedKeyOp = usage === "encrypt" || usage === "decrypt" ? entry.ops?.[usage === "encrypt" ? 0 : 1] : usage;
    if (expectedKeyOp && !key.key_ops.includes(expectedKeyOp))
      throw new TypeError(`Invalid key for this operation, its "key_ops" must include "${expectedKeyOp}" when present`);
  }
};
async function prepareKey(entry, key, usage) {
  const { alg, secret } = entry, requiresPrivateKey = usage === "decrypt" || usage === "sign";
  if (secret && key instanceof Uint8Array)
    return key;
  let normalized, keyObject;
  if (validate_isObject(key)) {
    if (normalized = normalizeJwk(key), typeof normalized.kty != "string")
      throw invalidKeyType(alg, key, secret);
    if (!(secret ? normalized.kty === "oct" && typeof normalized.k == "string" : normalized.kty !== "oct" && (requiresPrivateKey ? normalized.kty === "AKP" && typeof normalized.priv == "string" || typeof normalized.d == "string" : normalized.d === void 0 && normalized.priv === void 0)))
      throw new TypeError(secret ? 'JSON Web Key for symmetric algorithms must have JWK "kty" (Key Type) equal to "oct" and the JWK "k" (Key Value) present' : `JSON Web Key for this operation must be a ${requiresPrivateKey ? "private" : "public"} JWK`);
    if (jwkMatchesOp(entry, normalized, usage), normalized.kty === "oct")
      return base64url_decode(normalized.k);
    if (!Object.isFrozen(key)) {
      const { key_ops } = key;
      Array.isArray(key_ops) && Object.freeze(key_ops), Object.freeze(key);
    }
  } else {
    if (!isKeyLike(key))
      throw invalidKeyType(alg, key, secret);
    const expectedType = secret ? "secret" : requiresPrivateKey ? "private" : "public";
    if (key.type !== expectedType && (secret || ["secret", "public", "private"].includes(key.type)))
      throw new TypeError(`${tag(key)} instances must be of type "${expectedType}" for the ${alg} algorithm`);
    if (isCryptoKey(key))
      return key;
    if (keyObject = key, keyObject.type === "secret")
      return keyObject.export();
  }
  cache ||= /* @__PURE__ */ new WeakMap();
  const cacheKey = key;
  let cached = cache.get(cacheKey);
  if (cached?.[alg])
    return cached[alg];
  if (cached || cache.set(cacheKey, cached = {}), keyObject && typeof keyObject.toCryptoKey == "function") {
    const isPublic = keyObject.type === "public", crv = nist[keyObject.asymmetricKeyDetails?.namedCurve], params = entry.resolve?.({ crv, asymmetricKeyType: keyObject.asymmetricKeyType }) ?? entry.subtle;
    return cached[alg] = keyObject.toCryptoKey(params, isPublic, entry.usages[isPublic ? 0 : 1]);
  }
  return normalized ??= keyObject.export({ format: "jwk" }), normalized.alg = alg, cached[alg] = await jwkToKey(entry, normalized);
}
let cache;
const nist = {
  __proto__: null,
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521"
};
function assertCryptoKey(key) {
  if (!isCryptoKey(key))
    throw new Error("CryptoKey instance expected");
}
const isCryptoKey = (key) => {
  if (key?.[Symbol.toStringTag] === "CryptoKey")
    return !0;
  try {
    return key instanceof CryptoKey;
  } catch {
    return !1;
  }
}, isKeyObject = (key) => key?.[Symbol.toStringTag] === "KeyObject", isKeyLike = (key) => isCryptoKey(key) || isKeyObject(key);
function message(msg, actual, ...types) {
  if (types.length > 2) {
    const last = types.pop();
    msg += `one of type ${types.join(", ")}, or ${last}.`;
  } else types.length === 2 ? msg += `one of type ${types[0]} or ${types[1]}.` : msg += `of type ${types[0]}.`;
  return actual == null ? msg += ` Received ${actual}` : typeof actual == "function" && actual.name ? msg += ` Received function ${actual.name}` : typeof actual == "object" && actual != null && actual.constructor?.name && (msg += ` Received an instance of ${actual.constructor.name}`), msg;
}
const invalidKeyInput = (actual, ...types) => message("Key must be ", actual, ...types);
function invalidKeyType(alg, actual, secret) {
  const types = ["CryptoKey", "KeyObject", "JSON Web Key"];
  return secret && types.push("Uint8Array"), new TypeError(message(`Key for the ${alg} algorithm must be `, actual, ...types));
}
const unusable = (name, prop = "algorithm.name") => new TypeError(`CryptoKey does not support this operation, its ${prop} must be ${name}`);
function checkUsage(key, usage) {
  if (usage && !key.usages.includes(usage))
    throw new TypeError(`CryptoKey does not support this operation, its usages must include ${usage}.`);
}
function checkModulusLength(alg, key) {
  const { modulusLength } = key.algorithm;
  if (typeof modulusLength != "number" || modulusLength < 2048)
    throw new TypeError(`${alg} requires key modulusLength to be 2048 bits or larger`);
}
function checkCryptoKey(key, expected, usage) {
  const algorithm = key.algorithm;
  if (algorithm.name !== expected.name)
    throw unusable(expected.name);
  if (expected.hash && algorithm.hash?.name !== expected.hash)
    throw unusable(expected.hash, "algorithm.hash");
  if (expected.namedCurve && algorithm.namedCurve !== expected.namedCurve)
    throw unusable(expected.namedCurve, "algorithm.namedCurve");
  if (expected.length !== void 0 && algorithm.length !== expected.length)
    throw unusable(expected.length, "algorithm.length");
  checkUsage(key, usage);
}
function snapshotJwk(jwk) {
  return { __proto__: null, ...jwk };
}
function normalizeJwk(jwk) {
  const normalized = snapshotJwk(jwk);
  if (normalized.ext !== void 0 && typeof normalized.ext != "boolean")
    throw new TypeError('"ext" (Extractable) Parameter must be a boolean');
  if (normalized.key_ops !== void 0) {
    const value = normalized.key_ops, keyOps = Array.isArray(value) ? [...value] : void 0;
    if (!keyOps || keyOps.some((operation) => typeof operation != "string") || new Set(keyOps).size !== keyOps.length)
      throw new TypeError('"key_ops" (Key Operations) Parameter must be an array of unique strings');
    normalized.key_ops = keyOps;
  }
  return normalized;
}
function validateExtractableOption(extractable) {
  if (extractable !== void 0 && typeof extractable != "boolean")
    throw new TypeError('"extractable" option must be a boolean');
  return extractable;
}
async function jwkToKey(entry, jwk, extractable) {
  if (!entry.kty.includes(jwk.kty))
    throw new errors_JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
  const algorithm = entry.resolve?.({ kty: jwk.kty, crv: jwk.crv }) ?? entry.subtle, isPrivate = !!(jwk.d || jwk.priv), keyData = { ...jwk, ext: extractable ?? jwk.ext };
  return keyData.kty !== "AKP" && delete keyData.alg, delete keyData.use, crypto.subtle.importKey("jwk", keyData, algorithm, keyData.ext ?? !isPrivate, jwk.key_ops ?? entry.usages[isPrivate ? 1 : 0]);
}
async function rawKey(key, expected, usage, extractable = !1) {
  return key instanceof Uint8Array && (key = await crypto.subtle.importKey("raw", key, expected, extractable, [usage])), checkCryptoKey(key, expected, usage), key;
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key_descriptor.js
function table(entries) {
  const out = { __proto__: null };
  for (const alg in entries)
    out[alg] = { ...entries[alg], alg };
  return out;
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jws_algorithms.js


const sig = [["verify"], ["sign"]];
function hmac(bits) {
  const subtle = { name: "HMAC", hash: `SHA-${bits}` };
  return { kty: ["oct"], secret: !0, subtle, signing: subtle, usages: sig };
}
function rsa(bits, saltLength) {
  const subtle = { name: saltLength ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: `SHA-${bits}` };
  return {
    kty: ["RSA"],
    subtle,
    signing: saltLength ? { ...subtle, saltLength } : subtle,
    usages: sig,
    minRsaBits: 2048
  };
}
function ecdsa(crv, bits) {
  return {
    kty: ["EC"],
    crv,
    subtle: { name: "ECDSA", namedCurve: crv },
    signing: { name: "ECDSA", hash: `SHA-${bits}` },
    usages: sig
  };
}
function eddsa() {
  const subtle = { name: "Ed25519" };
  return {
    kty: ["OKP"],
    crv: "Ed25519",
    subtle,
    signing: subtle,
    usages: sig
  };
}
function mldsa(parameterSet) {
  const subtle = { name: `ML-DSA-${parameterSet}` };
  return {
    kty: ["AKP"],
    subtle,
    signing: subtle,
    usages: sig
  };
}
const JWS = table({
  HS256: hmac(256),
  HS384: hmac(384),
  HS512: hmac(512),
  RS256: rsa(256),
  RS384: rsa(384),
  RS512: rsa(512),
  PS256: rsa(256, 32),
  PS384: rsa(384, 48),
  PS512: rsa(512, 64),
  ES256: ecdsa("P-256", 256),
  ES384: ecdsa("P-384", 384),
  ES512: ecdsa("P-521", 512),
  EdDSA: eddsa(),
  Ed25519: eddsa(),
  "ML-DSA-44": mldsa(44),
  "ML-DSA-65": mldsa(65),
  "ML-DSA-87": mldsa(87)
});
function jwsAlgorithm(alg) {
  const entry = typeof alg == "string" ? JWS[alg] : void 0;
  if (!entry)
    throw new errors_JOSENotSupported(`alg ${alg} is not supported either by JOSE or your javascript runtime`);
  return entry;
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jwe_algorithms.js


const wrap = [
  ["encrypt", "wrapKey"],
  ["decrypt", "unwrapKey"]
], derive = [[], ["deriveBits"]], none = [[], []];
function rsaes(bits) {
  return {
    kty: ["RSA"],
    mode: "key-encryption",
    subtle: { name: "RSA-OAEP", hash: `SHA-${bits}` },
    usages: wrap,
    ops: ["wrapKey", "unwrapKey"]
  };
}
function ecdh(mode) {
  return {
    kty: ["EC", "OKP"],
    mode,
    subtle: { name: "ECDH" },
    resolve: ({ kty, crv, asymmetricKeyType }) => {
      if (crv === "X25519" || asymmetricKeyType === "x25519")
        return { name: "X25519" };
      if (kty === "OKP")
        throw new errors_JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
      return { name: "ECDH", namedCurve: crv };
    },
    usages: derive,
    ops: [void 0, "deriveBits"]
  };
}
function aeskw(bits, gcm = !1) {
  return {
    kty: ["oct"],
    mode: "key-wrapping",
    secret: !0,
    subtle: { name: gcm ? "AES-GCM" : "AES-KW", length: bits },
    usages: none,
    ops: gcm ? ["encrypt", "decrypt"] : ["wrapKey", "unwrapKey"]
  };
}
function pbes2() {
  return {
    kty: ["oct"],
    mode: "key-wrapping",
    secret: !0,
    subtle: { name: "PBKDF2" },
    usages: none,
    ops: ["deriveBits", "deriveBits"]
  };
}
const JWE = table({
  dir: {
    kty: ["oct"],
    mode: "direct-encryption",
    secret: !0,
    subtle: { name: "AES-GCM" },
    usages: none,
    ops: ["encrypt", "decrypt"]
  },
  "RSA-OAEP": rsaes(1),
  "RSA-OAEP-256": rsaes(256),
  "RSA-OAEP-384": rsaes(384),
  "RSA-OAEP-512": rsaes(512),
  "ECDH-ES": ecdh("direct-key-agreement"),
  "ECDH-ES+A128KW": ecdh("key-agreement-with-key-wrapping"),
  "ECDH-ES+A192KW": ecdh("key-agreement-with-key-wrapping"),
  "ECDH-ES+A256KW": ecdh("key-agreement-with-key-wrapping"),
  A128KW: aeskw(128),
  A192KW: aeskw(192),
  A256KW: aeskw(256),
  A128GCMKW: aeskw(128, !0),
  A192GCMKW: aeskw(192, !0),
  A256GCMKW: aeskw(256, !0),
  "PBES2-HS256+A128KW": pbes2(),
  "PBES2-HS384+A192KW": pbes2(),
  "PBES2-HS512+A256KW": pbes2()
}), contentOps = ["encrypt", "decrypt"];
function contentEncryption(bits, cbc = !1) {
  return {
    kty: ["oct"],
    secret: !0,
    subtle: { name: cbc ? "AES-CBC" : "AES-GCM", length: bits },
    usages: none,
    ops: contentOps,
    cekBits: bits,
    ivBits: cbc ? 128 : 96,
    cbc
  };
}
const ENC = table({
  A128GCM: contentEncryption(128),
  A192GCM: contentEncryption(192),
  A256GCM: contentEncryption(256),
  "A128CBC-HS256": contentEncryption(256, !0),
  "A192CBC-HS384": contentEncryption(384, !0),
  "A256CBC-HS512": contentEncryption(512, !0)
});
function unsupported(parameter, name) {
  throw new JOSENotSupported(`Invalid or unsupported "${parameter}" (JWE ${name}) header value`);
}
function jweAlgorithm(alg) {
  return (typeof alg == "string" ? JWE[alg] : void 0) ?? unsupported("alg", "Algorithm");
}
function isJWECEKTransport(algorithm) {
  return algorithm.mode === "key-wrapping" || algorithm.mode === "key-encryption" || algorithm.mode === "key-agreement-with-key-wrapping";
}
function jweEncryption(enc) {
  return (typeof enc == "string" ? ENC[enc] : void 0) ?? unsupported("enc", "Encryption Algorithm");
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key_algorithm.js



const algArgument = '"alg" (Algorithm)';
function unsupportedAlg(source = 'JWK "alg" (Algorithm) Parameter') {
  throw new errors_JOSENotSupported(`Invalid or unsupported ${source} value`);
}
function keyAlgorithm(alg, source) {
  return (typeof alg == "string" ? JWS[alg] ?? JWE[alg] : void 0) ?? unsupportedAlg(source);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/key/import.js






async function importSPKI(spki, alg, options) {
  if (typeof spki != "string" || spki.indexOf("-----BEGIN PUBLIC KEY-----") !== 0)
    throw new TypeError('"spki" must be SPKI formatted string');
  return fromSPKI(spki, alg, options);
}
async function importX509(x509, alg, options) {
  if (typeof x509 != "string" || x509.indexOf("-----BEGIN CERTIFICATE-----") !== 0)
    throw new TypeError('"x509" must be X.509 formatted string');
  return fromX509(x509, alg, options);
}
async function importPKCS8(pkcs8, alg, options) {
  if (typeof pkcs8 != "string" || pkcs8.indexOf("-----BEGIN PRIVATE KEY-----") !== 0)
    throw new TypeError('"pkcs8" must be PKCS#8 formatted string');
  return fromPKCS8(pkcs8, alg, options);
}
async function importJWK(jwk, alg, options) {
  if (!validate_isObject(jwk))
    throw new TypeError("JWK must be an object");
  const normalized = normalizeJwk(jwk), extractable = validateExtractableOption(options?.extractable), { alg: jwkAlg } = normalized;
  if (alg ??= jwkAlg, normalized.kty !== "oct" && !alg)
    throw new TypeError('"alg" argument is required when "jwk.alg" is not present');
  switch (normalized.kty) {
    case "oct":
      if (typeof normalized.k != "string")
        throw new TypeError('missing "k" (Key Value) Parameter value');
      return base64url_decode(normalized.k);
    case "AKP": {
      if (typeof jwkAlg != "string" || !jwkAlg)
        throw new TypeError('missing "alg" (Algorithm) Parameter value');
      if (alg !== jwkAlg)
        throw new TypeError("JWK alg and alg option value mismatch");
      return jwkToKey(keyAlgorithm(alg), normalized, extractable);
    }
    case "RSA":
    case "EC":
    case "OKP":
      return jwkToKey(keyAlgorithm(alg), normalized, extractable);
    default:
      throw new errors_JOSENotSupported('Unsupported "kty" (Key Type) Parameter value');
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jws_verify.js





function snapshotJws(jws, sharedPayload) {
  const encodedProtectedHeader = jws.protected, inputHeader = jws.header, header = isObject(inputHeader) ? { ...inputHeader } : inputHeader;
  let payload = sharedPayload ? sharedPayload[0] : jws.payload;
  !sharedPayload && payload instanceof Uint8Array && (payload = new Uint8Array(payload));
  const signature = jws.signature, snapshot = { payload, signature };
  if (encodedProtectedHeader !== void 0 && (snapshot.protected = encodedProtectedHeader), inputHeader !== void 0 && (snapshot.header = header), encodedProtectedHeader === void 0 && header === void 0)
    throw new JWSInvalid('Flattened JWS must have either of the "protected" or "header" members');
  if (encodedProtectedHeader !== void 0 && typeof encodedProtectedHeader != "string")
    throw new JWSInvalid("JWS Protected Header incorrect type");
  if (payload === void 0)
    throw new JWSInvalid("JWS Payload missing");
  if (typeof signature != "string")
    throw new JWSInvalid("JWS Signature missing or incorrect type");
  if (header !== void 0 && !isObject(header))
    throw new JWSInvalid("JWS Unprotected Header incorrect type");
  return snapshot;
}
function prepareVerify(options) {
  return [options && validateAlgorithms("algorithms", options.algorithms), options?.crit];
}
function parseProtectedHeader(encodedProtectedHeader) {
  return encodedProtectedHeader === void 0 ? {} : parseJoseHeader(encodedProtectedHeader, errors_JWSInvalid, "JWS Protected Header is invalid");
}
function encodeJsonUnencodedPayload(payload) {
  const invalid = /[\p{Cs}\p{Cn}]/u.exec(payload)?.[0];
  if (invalid !== void 0)
    throw new JWSInvalid(/\p{Cs}/u.test(invalid) ? "JWS Payload must be a well-formed Unicode string" : "JWS Payload must not contain unassigned Unicode code points");
  return encoder.encode(payload);
}
function encodeCompactUnencodedPayload(payload) {
  try {
    return encode(payload);
  } catch (cause) {
    throw new errors_JWSInvalid("JWS Compact Serialization payload must use only ASCII characters", {
      cause
    });
  }
}
async function verifySignature(jws, shared, key, encodeUnencodedPayload, parsedProtected) {
  const { protected: encodedProtectedHeader, header, payload: inputPayload } = jws, protectedHeader = parsedProtected ?? parseProtectedHeader(encodedProtectedHeader);
  if (!isDisjoint(protectedHeader, header))
    throw new errors_JWSInvalid("JWS Protected and JWS Unprotected Header Parameter names must be disjoint");
  const joseHeader = { ...protectedHeader, ...header }, b64 = validateB64(protectedHeader, validateCrit(errors_JWSInvalid, JWS_RECOGNIZED, shared[1], protectedHeader, joseHeader)), { alg } = joseHeader;
  if (typeof alg != "string" || !alg)
    throw new errors_JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  if (shared[0] && !shared[0].has(alg))
    throw new JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  if (b64) {
    if (typeof inputPayload != "string")
      throw new errors_JWSInvalid("JWS Payload must be a string");
  } else if (typeof inputPayload != "string" && !(inputPayload instanceof Uint8Array))
    throw new errors_JWSInvalid("JWS Payload must be a string or an Uint8Array instance");
  const signingPayload = b64 || typeof inputPayload != "string" ? inputPayload : encodeUnencodedPayload(inputPayload);
  let resolvedKey = !1;
  typeof key == "function" && (key = await key(protectedHeader, jws), resolvedKey = !0);
  const entry = jwsAlgorithm(alg), signingInput = concat(encodedProtectedHeader !== void 0 ? encode(encodedProtectedHeader) : new Uint8Array(), encode("."), typeof signingPayload == "string" ? shared[2] ??= encodeAsciiMember(signingPayload, "payload", errors_JWSInvalid) : signingPayload), signature = decodeBase64url(jws.signature, "signature", errors_JWSInvalid), verificationKey = await prepareKey(entry, key, "verify"), cryptoKey = await rawKey(verificationKey, entry.subtle, "verify");
  entry.minRsaBits && checkModulusLength(entry.alg, cryptoKey);
  let verified = !1;
  try {
    verified = await crypto.subtle.verify(entry.signing, cryptoKey, signature, signingInput);
  } catch (cause) {
    throw new JWSSignatureVerificationFailed(void 0, { cause });
  }
  if (!verified)
    throw new JWSSignatureVerificationFailed();
  const result = { payload: typeof signingPayload == "string" ? decodeBase64url(signingPayload, "payload", errors_JWSInvalid) : signingPayload };
  return encodedProtectedHeader !== void 0 && (result.protectedHeader = protectedHeader), header !== void 0 && (result.unprotectedHeader = header), resolvedKey ? [{ ...result, key: verificationKey }, b64] : [result, b64];
}
async function verifyCompact(jws, shared, key) {
  if (jws instanceof Uint8Array && (jws = decoder.decode(jws)), typeof jws != "string")
    throw new errors_JWSInvalid("Compact JWS must be a string or Uint8Array");
  const { 0: protectedHeader, 1: payload, 2: signature, length } = jws.split(".");
  if (length !== 3)
    throw new errors_JWSInvalid("Invalid Compact JWS");
  return verifySignature({ payload, protected: protectedHeader, signature }, shared, key, encodeCompactUnencodedPayload);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/jws/compact/verify.js

async function compactVerify(jws, key, options) {
  const [result] = await verifyCompact(jws, prepareVerify(options), key);
  return result;
}


;// CONCATENATED MODULE: ./src/checks/keys.ts


/** Algorithms a booking partner can verify with a public key. */
const KEY_TYPE_OF_ALG = {
    RS256: 'RSA',
    RS384: 'RSA',
    RS512: 'RSA',
    PS256: 'RSA',
    PS384: 'RSA',
    PS512: 'RSA',
    ES256: 'EC',
    ES384: 'EC',
    ES512: 'EC',
    EdDSA: 'OKP',
    Ed25519: 'OKP',
};
const MAX_CANDIDATES = 10;
/** JWK members that hold private or symmetric key material (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** The key without its private members: what a verifier should import. */
function publicMembers(key) {
    const isPrivate = (name) => PRIVATE_MEMBERS.includes(name);
    return Object.fromEntries(Object.entries(key).filter(([name]) => !isPrivate(name)));
}
/** Why an `alg` cannot be accepted for a token a partner verifies, or undefined if it can. */
function algProblem(alg) {
    if (typeof alg !== 'string')
        return `the header has no alg (${shown(alg)})`;
    if (alg.toLowerCase() === 'none')
        return 'alg is "none": the token is not signed at all';
    if (/^HS/i.test(alg)) {
        return `alg is ${alg}, a shared-secret (HMAC) algorithm: partners cannot verify it with the JWKS, and anyone holding the secret can mint tokens`;
    }
    if (!KEY_TYPE_OF_ALG[alg])
        return `alg ${JSON.stringify(alg)} is not an asymmetric JWS algorithm`;
    return undefined;
}
/**
 * The JWKS keys a token could have been signed with: matching `kid` when the token names one,
 * the algorithm's key type, `use` absent or "sig", and `alg` absent or equal.
 */
function candidateKeys(keys, alg, kid) {
    return keys.filter((key) => key.kty === KEY_TYPE_OF_ALG[alg] &&
        (key.use === undefined || key.use === 'sig') &&
        (key.alg === undefined || key.alg === alg) &&
        (typeof kid !== 'string' || key.kid === kid));
}
/** Why a JWK cannot be a public verification key, or undefined if its members are there. */
function publicKeyProblem(key) {
    const name = typeof key.kid === 'string' ? `JWK ${key.kid}` : 'A JWK without kid';
    const members = {
        RSA: ['n', 'e'],
        EC: ['crv', 'x', 'y'],
        OKP: ['crv', 'x'],
    };
    const required = members[String(key.kty)] ?? [];
    const missing = required.filter((member) => typeof key[member] !== 'string');
    if (missing.length === 0)
        return undefined;
    const x5c = Array.isArray(key.x5c) || typeof key.x5c === 'string'
        ? ' (it carries only x5c; the key members must be present too, RFC 7517 §4.7)'
        : '';
    return `${name} is not a valid ${key.kty} public JWK: missing required ${missing.join('/')}${x5c}`;
}
/**
 * Verifies a compact JWS against the JWKS, trying each candidate key in turn (a token without
 * `kid` may match several). Never throws: every failure comes back as a reason.
 */
async function verifyWithKeySet(token, header, jwks) {
    const alg = String(header.alg);
    const candidates = candidateKeys(jwks.keys, alg, header.kid);
    if (candidates.length === 0) {
        const kids = listed(jwks.keys.map((key) => shown(key.kid ?? '(no kid)'))) || 'none';
        const wanted = typeof header.kid === 'string' ? `kid ${JSON.stringify(header.kid)} and ` : '';
        return {
            verified: false,
            candidates: 0,
            reason: `no key in the JWKS matches ${wanted}alg ${alg} (keys: ${kids})`,
        };
    }
    const reasons = [];
    // Enough for any real key rotation; a token without kid against a huge JWKS stays bounded.
    for (const key of candidates.slice(0, MAX_CANDIDATES)) {
        const problem = publicKeyProblem(key);
        if (problem) {
            reasons.push(problem);
            continue;
        }
        const name = typeof key.kid === 'string' ? `key ${key.kid}` : 'a key without kid';
        try {
            const publicKey = await importJWK(publicMembers(key), alg);
            await compactVerify(token, publicKey, { algorithms: [alg] });
            return {
                verified: true,
                kid: typeof key.kid === 'string' ? key.kid : undefined,
                candidates: candidates.length,
            };
        }
        catch (error) {
            reasons.push(`${name}: ${joseReason(error)}`);
        }
    }
    return { verified: false, candidates: candidates.length, reason: listed(reasons, '; ') };
}
function joseReason(error) {
    const code = error.code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
        return 'the signature does not verify';
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/checks/access-token.ts




/** Clock skew tolerated on exp, nbf and iat. */
const LEEWAY_SECONDS = 60;
/**
 * Tells a JWT from an opaque token (OpenActive allows both) without verifying anything. A token
 * of three dot-separated parts whose first part starts like base64 of a JSON object ("eyJ") is
 * taken for a JWT, so a broken JWT is reported as broken, not passed as opaque.
 */
function inspectToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts[0].startsWith('eyJ'))
        return { kind: 'opaque' };
    // base64url without padding (RFC 7515 §2); an unsigned token has an empty third part.
    const base64url = /^[A-Za-z0-9_-]*$/;
    const bad = ['header', 'payload', 'signature'].filter((_, i) => !base64url.test(parts[i]));
    if (bad.length > 0) {
        return {
            kind: 'malformed',
            problem: `the ${bad.join(' and ')} of the JWT is not unpadded base64url (RFC 7515 §2, §7.1)`,
        };
    }
    const header = decodePart(parts[0]);
    if (!isJsonObject(header) || typeof header.alg !== 'string') {
        return {
            kind: 'malformed',
            problem: `the JWT header is not a JSON object with an alg (${shown(header)})`,
        };
    }
    const claims = decodePart(parts[1]);
    if (!isJsonObject(claims)) {
        return {
            kind: 'malformed',
            problem: `the JWT payload is not a JSON object of claims (${shown(claims)})`,
        };
    }
    return { kind: 'jwt', header, claims };
}
/** The header and claims of a well-formed JWT, undefined for anything else. */
function decodeJwt(token) {
    const shape = inspectToken(token);
    return shape.kind === 'jwt' ? { header: shape.header, claims: shape.claims } : undefined;
}
function decodePart(part) {
    try {
        return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    }
    catch {
        return '(not JSON)';
    }
}
/** Checks an access token: its format, then, for a JWT, its signature and claims. */
async function checkAccessToken(token, context) {
    const shape = inspectToken(token);
    const others = (why) => checksOfStage('access-token')
        .filter((id) => id !== 'access-token.format' && id !== 'access-token.well-formed')
        .map((id) => skipped(id, why));
    if (shape.kind === 'opaque') {
        const why = 'The access token is not a JWT; signature and claim checks were not applied (OpenActive and RFC 6749 do not require JWT access tokens).';
        return [
            passed('access-token.format', why),
            skipped('access-token.well-formed', 'Not applicable: the access token is opaque.'),
            ...others('Not applicable: the access token is opaque.'),
        ];
    }
    if (shape.kind === 'malformed') {
        return [
            passed('access-token.format', 'The access token is meant to be a JWT: its first part starts like a JSON object.'),
            violated('access-token.well-formed', `The access token is not a well-formed JWT: ${shape.problem}.`),
            ...others('Not checked: the JWT is malformed.'),
        ];
    }
    const jwt = shape;
    const { header, claims } = jwt;
    return [
        passed('access-token.format', `The access token is a JWT (alg ${shown(header.alg)}, kid ${shown(header.kid)}).`),
        passed('access-token.well-formed', 'The JWT is well formed: base64url parts, a JSON header and claims.'),
        ...(await checkSignature(token, header, context.jwks)),
        checkAlgAdvertised(header, context.advertisedAlgs),
        checkType(header),
        checkIssuer(claims, context.issuer),
        checkAudience(claims),
        checkTime(claims, context),
        checkLifetime(claims, context.expiresIn),
        checkClientId(claims, context.clientId),
        checkRequiredClaims(claims),
        ...access_token_checkScope(claims, context.scope),
        checkClaimsMinimal(claims),
    ];
}
async function checkSignature(token, header, jwks) {
    const problem = algProblem(header.alg);
    if (problem) {
        return [
            violated('access-token.signature', `The token cannot be verified: ${problem}.`),
            skipKeyId('the token is not signed with a public key'),
        ];
    }
    if (!jwks) {
        return [
            skipped('access-token.signature', 'Not checked: the JWKS could not be read.'),
            skipKeyId('the JWKS could not be read'),
        ];
    }
    const result = await verifyWithKeySet(token, header, jwks);
    const findings = [];
    if (result.verified) {
        const key = result.kid ? `key ${result.kid}` : 'a key without kid';
        findings.push(passed('access-token.signature', `The ${header.alg} signature verifies with ${key} from the JWKS.`));
    }
    else {
        const hint = result.candidates > 0 && result.reason.includes('does not verify')
            ? ' The token was signed with a key that jwks_uri does not publish (a rotated key, or a JWKS serving another key).'
            : '';
        const message = `The signature could not be verified: ${result.reason}.${hint}`;
        findings.push(violated('access-token.signature', message));
    }
    if (typeof header.kid === 'string') {
        findings.push(passed('access-token.key-id', `The header names key ${shown(header.kid)}.`));
    }
    else if (result.candidates > 1) {
        findings.push(violated('access-token.key-id', `No kid while the JWKS has ${result.candidates} signing keys it could be; clients that choose keys by kid will break.`));
    }
    else {
        findings.push(passed('access-token.key-id', 'No kid, but only one key in the JWKS could have signed it. A kid makes key rotation easier.'));
    }
    return findings;
}
function skipKeyId(why) {
    return skipped('access-token.key-id', `Not applicable: ${why}.`);
}
function checkType(header) {
    const typ = header.typ;
    const normalised = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
    if (normalised === 'at+jwt')
        return passed('access-token.typ', `typ is ${shown(typ)}.`);
    return violated('access-token.typ', `The access token is not typed as RFC 9068 at+jwt: typ is ${shown(typ)}.`);
}
function checkIssuer(claims, issuer) {
    if (claims.iss === issuer)
        return passed('access-token.issuer', `iss is ${shown(claims.iss)}.`);
    return violated('access-token.issuer', `iss is ${shown(claims.iss)}; the issuer is ${shown(issuer)}.`);
}
function checkTime(claims, context) {
    const now = Math.floor(context.now / 1000);
    const problems = [];
    const { exp, nbf, iat } = claims;
    if (typeof exp !== 'number')
        problems.push(`exp is ${shown(exp)}, not a NumericDate`);
    else if (exp + LEEWAY_SECONDS <= now)
        problems.push(`exp ${isoTime(exp)} has passed`);
    for (const [name, value] of [
        ['nbf', nbf],
        ['iat', iat],
    ]) {
        if (value === undefined)
            continue;
        if (typeof value !== 'number')
            problems.push(`${name} is ${shown(value)}, not a NumericDate`);
        else if (value - LEEWAY_SECONDS > now)
            problems.push(`${name} ${isoTime(value)} is ${value - now} s in the future`);
    }
    if (problems.length === 0) {
        return passed('access-token.time', `Valid now: exp ${isoTime(exp)}${typeof iat === 'number' ? `, iat ${isoTime(iat)}` : ''}.`);
    }
    const clocks = context.serverDate
        ? ` The server’s Date header said ${context.serverDate}; our clock said ${new Date(context.now).toUTCString()}.`
        : '';
    return violated('access-token.time', `Not valid now: ${problems.join('; ')} (leeway ${LEEWAY_SECONDS} s).${clocks}`);
}
function checkClientId(claims, clientId) {
    const openActive = claims['https://openactive.io/clientId'];
    const problems = [];
    if (claims.client_id !== clientId)
        problems.push(`client_id is ${shown(claims.client_id)}`);
    if (openActive !== undefined && openActive !== clientId) {
        problems.push(`https://openactive.io/clientId is ${shown(openActive)}`);
    }
    if (problems.length === 0) {
        const also = openActive === undefined ? '' : ', and so is https://openactive.io/clientId';
        return passed('access-token.client-id', `client_id is the client’s id${also}.`);
    }
    return violated('access-token.client-id', `The token names another client: ${problems.join('; ')}; the client’s id is ${shown(clientId)}.`);
}
function access_token_checkScope(claims, requested) {
    const scope = claims.scope;
    const granted = typeof scope === 'string'
        ? scope.split(' ')
        : Array.isArray(scope)
            ? scope.map(String)
            : undefined;
    const missing = requested.split(' ').filter((token) => !granted?.includes(token));
    const content = granted && missing.length === 0
        ? passed('access-token.scope', `scope grants ${shown(requested)}.`)
        : violated('access-token.scope', `scope is ${shown(scope)}; it does not grant ${shown(missing.join(' '))}.`);
    const id = 'access-token.scope-format';
    const format = typeof scope === 'string'
        ? passed(id, 'scope is a space-delimited string.')
        : Array.isArray(scope)
            ? violated(id, `The scope claim is a JSON array (${shown(scope)}); RFC 9068 §2.2.3 uses the RFC 8693 space-delimited string.`)
            : skipped(id, `Not applicable: there is no scope string or array (${shown(scope)}).`);
    return [content, format];
}

;// CONCATENATED MODULE: ./src/report/model.ts





/**
 * Builds the report and decides the verdict: a failure always fails the run; a warning fails it
 * only with `fail-on: warning`. Everything that came from the server or the inputs passes
 * through the redaction here, once, so no renderer can leak a secret.
 */
function buildReport(input) {
    const redact = (text) => input.secrets.redact(text);
    const checks = input.findings.map((finding) => ({
        ...applyStrict(finding, input.config.strict),
        message: redact(finding.message),
    }));
    const exchanges = input.exchanges.map((exchange) => redactExchange(exchange, redact));
    const failures = checks.filter((check) => check.status === 'fail').length;
    const warnings = checks.filter((check) => check.status === 'warn').length;
    const failed = failures > 0 || (input.config.failOn === 'warning' && warnings > 0);
    return {
        tool: { ...TOOL },
        issuer: input.config.issuer,
        result: failed ? 'fail' : 'pass',
        failOn: input.config.failOn,
        failures,
        warnings,
        startedAt: input.startedAt.toISOString(),
        durationMs: input.durationMs,
        clientId: input.clientId,
        stages: STAGES.map((stage) => ({
            stage,
            status: stageStatus(checks.filter((check) => check.stage === stage)),
            durationMs: input.timings[stage] ?? 0,
        })),
        checks,
        exchanges,
        accessToken: input.accessToken ? decodeAccessToken(input.accessToken, redact) : undefined,
    };
}
/** The token's header and claims, each value redacted; the signature is never kept. */
function decodeAccessToken(token, redact) {
    const shape = inspectToken(token);
    if (shape.kind !== 'jwt')
        return shape.kind === 'opaque' ? shape : { ...shape, problem: redact(shape.problem) };
    const pairs = (object) => Object.entries(object).map(([name, value]) => [redact(name), redact(stringify(value))]);
    return { kind: 'jwt', header: pairs(shape.header), claims: pairs(shape.claims) };
}
/** Under `strict`, a warning from a check marked strict in the catalogue is a failure. */
function applyStrict(finding, strict) {
    if (!strict || finding.status !== 'warn' || !definition(finding.id).strict)
        return finding;
    return { ...finding, level: 'must', status: 'fail' };
}
/** A stage's status: its worst finding (fail, then warn, then pass); skip when nothing ran. */
function stageStatus(findings) {
    for (const status of ['fail', 'warn', 'pass']) {
        if (findings.some((finding) => finding.status === status))
            return status;
    }
    return 'skip';
}
function redactExchange(exchange, redact) {
    const headers = (record) => Object.fromEntries(
    // A server can put anything in a header's name too.
    Object.entries(record).map(([name, value]) => [
        redact(name),
        Array.isArray(value) ? value.map(redact) : value === undefined ? value : redact(value),
    ]));
    return {
        ...exchange,
        url: redact(exchange.url),
        requestHeaders: headers(exchange.requestHeaders),
        requestBody: exchange.requestBody === undefined ? undefined : redact(exchange.requestBody),
        responseHeaders: headers(exchange.responseHeaders),
        responseBody: redact(exchange.responseBody),
        error: exchange.error && { ...exchange.error, message: redact(exchange.error.message) },
    };
}

;// CONCATENATED MODULE: ./src/secrets.ts
/**
 * Knows every secret value of a run (initial access token, client secret, Basic credentials,
 * access token) and removes them from any text before it leaves the tool.
 */
class Secrets {
    /** Every spelling of every secret, as text: what the log masker is told. */
    #values = new Set();
    /** The secrets as given and in base64, as they read once a text is decoded. */
    #decoded = new Set();
    #onAdd;
    /** @param onAdd called once for each new non-empty secret, e.g. `core.setSecret`. */
    constructor(onAdd = () => { }) {
        this.#onAdd = onAdd;
    }
    /** Registers a secret and every spelling of it that can appear in a request or response. */
    add(value) {
        if (!value)
            return;
        for (const form of spellings(value)) {
            // Shorter fragments would redact ordinary letters all over a report.
            if (form.length < MIN_LENGTH || this.#values.has(form))
                continue;
            this.#values.add(form);
            this.#onAdd(form);
        }
        for (const form of [value, Buffer.from(value).toString('base64')]) {
            if (form.length >= MIN_LENGTH)
                this.#decoded.add(collapseSpace(form));
        }
    }
    /** Registers the Basic credentials header made from a client id and secret. */
    addBasic(clientId, clientSecret) {
        this.add(basicCredentials(clientId, clientSecret));
    }
    /**
     * The text with every known secret replaced by a marker, however a server escaped it,
     * including the start of a secret that a message cut short ("…").
     */
    redact(text) {
        if (this.#values.size === 0)
            return text;
        // Longest first, so that a secret containing another is replaced whole.
        const values = [...this.#values].sort((a, b) => b.length - a.length);
        let out = text;
        for (const value of values)
            out = out.split(value).join(REDACTED);
        // Escaped spellings take decoding the text: only where there could be one.
        const spaced = [...this.#decoded].some((value) => value.includes(' '));
        if ((spaced ? /[\\&%\s]/ : /[\\&%]/).test(out))
            out = redactDecoded(out, this.#decoded);
        if (!out.includes(ELLIPSIS))
            return out;
        return values.reduce(redactCutPrefix, out);
    }
}
const REDACTED = '[REDACTED]';
const ELLIPSIS = '…';
const MIN_LENGTH = 3;
/** Replaces a secret's first characters where a cut (an ellipsis) ends them. */
function redactCutPrefix(text, secret) {
    let out = '';
    let rest = text;
    for (let at = rest.indexOf(ELLIPSIS); at !== -1; at = rest.indexOf(ELLIPSIS)) {
        let before = rest.slice(0, at);
        for (let length = Math.min(secret.length - 1, before.length); length >= MIN_LENGTH; length--) {
            if (before.endsWith(secret.slice(0, length))) {
                before = `${before.slice(0, -length)}${REDACTED}`;
                break;
            }
        }
        out += `${before}${ELLIPSIS}`;
        rest = rest.slice(at + ELLIPSIS.length);
    }
    return out + rest;
}
/**
 * `client_secret_basic` credentials: id and secret form-urlencoded, joined by ":", then base64.
 * @see RFC 6749 §2.3.1 and Appendix B
 */
function basicCredentials(clientId, clientSecret) {
    const encode = (value) => new URLSearchParams({ v: value }).toString().slice(2);
    return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}
/** Whether a text contains a value in any of the spellings a server might echo it in. */
function echoes(text, value) {
    if (!value || value.length < MIN_LENGTH)
        return false;
    const { decoded } = secrets_decode(text);
    return [value, Buffer.from(value).toString('base64')].some((form) => decoded.includes(collapseSpace(form)));
}
/**
 * The spellings of a secret a log or a text can hold it in: as given, JSON-escaped,
 * percent-encoded, form-encoded and in base64 (Basic credentials).
 */
function spellings(value) {
    const json = JSON.stringify(value).slice(1, -1);
    return [
        value,
        json,
        encodeURIComponent(value),
        new URLSearchParams({ v: value }).toString().slice(2),
        Buffer.from(value).toString('base64'),
    ];
}
/** Replaces the parts of the text that decode to one of the values. */
function redactDecoded(text, values) {
    const { decoded, at } = secrets_decode(text);
    const found = [];
    for (const value of values) {
        for (let index = decoded.indexOf(value); index !== -1; index = decoded.indexOf(value, index + 1))
            found.push([at[index], at[index + value.length]]);
    }
    if (found.length === 0)
        return text;
    found.sort((a, b) => a[0] - b[0]);
    let out = '';
    let done = 0;
    for (const [start, end] of found) {
        if (end <= done)
            continue;
        out += `${text.slice(done, Math.max(start, done))}${start >= done ? REDACTED : ''}`;
        done = end;
    }
    return out + text.slice(done);
}
/**
 * One escape a server may write a character in: JSON's `\uXXXX` (any hex case) and short
 * escapes ("/" as "\/" as PHP writes it), HTML character references, a run of percent-encoded
 * UTF-8 bytes, or a run of white space.
 */
const ESCAPE = /\\u([0-9a-fA-F]{4})|\\([/"\\bfnrt])|&#(\d{1,7});|&#[xX]([0-9a-fA-F]{1,6});|&(amp|lt|gt|quot|apos);|((?:%[0-9a-fA-F]{2})+)|(\s+)/g;
const SHORT_ESCAPES = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/**
 * The text with its escapes decoded and every run of white space as one space (as a message
 * that collapses it shows it); `at[i]` is where decoded character i starts in the text, and
 * `at[decoded.length]` is the text's end.
 */
function secrets_decode(text) {
    const units = [];
    const at = [];
    let done = 0;
    for (const match of text.matchAll(ESCAPE)) {
        // What lies between escapes is itself, one unit at a time.
        for (let index = done; index < match.index; index++) {
            units.push(text[index]);
            at.push(index);
        }
        for (const unit of collapseSpace(secrets_unescape(match))) {
            // A space next to a space is one run of white space.
            if (unit === ' ' && units.at(-1) === ' ')
                continue;
            units.push(unit);
            at.push(match.index);
        }
        done = match.index + match[0].length;
    }
    for (let index = done; index < text.length; index++) {
        units.push(text[index]);
        at.push(index);
    }
    at.push(text.length);
    return { decoded: units.join(''), at };
}
function secrets_unescape(match) {
    const [, unicode, short, decimal, hex, entity, percent] = match;
    if (unicode !== undefined)
        return String.fromCharCode(parseInt(unicode, 16));
    if (short !== undefined)
        return SHORT_ESCAPES[short] ?? short;
    if (decimal !== undefined)
        return fromCodePoint(Number(decimal));
    if (hex !== undefined)
        return fromCodePoint(parseInt(hex, 16));
    if (entity !== undefined)
        return ENTITIES[entity];
    if (percent !== undefined)
        return Buffer.from(percent.replace(/%/g, ''), 'hex').toString('utf8');
    return ' ';
}
const collapseSpace = (text) => text.replace(/\s+/g, ' ');
const fromCodePoint = (codePoint) => codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd';

;// CONCATENATED MODULE: ./src/stages/access-token.ts


/** Verifies the access token's signature and claims; no requests of its own. */
const accessToken = async ({ config, now }, state) => {
    if (!state.accessToken || !state.client)
        return 'there is no access token';
    return checkAccessToken(state.accessToken, {
        issuer: config.issuer,
        clientId: state.client.clientId,
        scope: config.scope,
        jwks: state.jwks,
        now: now(),
        serverDate: state.tokenExchange ? header(state.tokenExchange, 'date') : undefined,
        expiresIn: state.expiresIn,
        advertisedAlgs: state.metadata?.id_token_signing_alg_values_supported,
    });
};

;// CONCATENATED MODULE: ./src/checks/authorization.ts



/** The scope a booking partner needs to book on a seller's behalf (OpenActive scope table). */
const BOOKING_SCOPE = 'openactive-openbooking';
/** The tokens of a response, whatever its status: every one is a secret to register. */
function tokensOf(exchange) {
    const body = parseJson(exchange.responseBody);
    if (!isJsonObject(body))
        return {};
    const text = (value) => (typeof value === 'string' && value !== '' ? value : undefined);
    return {
        accessToken: text(body.access_token),
        idToken: text(body.id_token),
        refreshToken: text(body.refresh_token),
        scope: text(body.scope),
    };
}
/**
 * Checks the answer to an authorization request with a redirect URI that was not registered:
 * it must not redirect there, and must not go on to the login page (`loginShown`).
 */
function checkRedirectUriRefused(first, unregistered, loginShown) {
    const id = 'authorization.redirect-uri-checked';
    if (first.error)
        return skipped(id, `Could not tell: ${describeResponse(first)}.`);
    const location = header(first, 'location');
    if (location !== undefined && sameEndpoint(location, unregistered, first.url)) {
        return violated(id, `The authorization server redirected to the unregistered redirect URI ${unregistered}: an attacker's site would receive the code or error.`);
    }
    if (loginShown) {
        return violated(id, `An authorization request with the unregistered redirect URI ${unregistered} went on to the login page; it must be refused before the seller logs in.`);
    }
    return passed(id, `Refused with HTTP ${first.status}, without a redirect to it or a login page.`);
}
/** True when `target` (relative to `base`) is `endpoint`, ignoring the query. */
function sameEndpoint(target, endpoint, base) {
    try {
        const a = new URL(target, base);
        const b = new URL(endpoint);
        return a.origin === b.origin && a.pathname === b.pathname;
    }
    catch {
        return false;
    }
}
/** Checks the redirect's state against the one sent. */
function checkState(redirect, sent) {
    const state = redirect.searchParams.get('state');
    if (state === sent)
        return passed('authorization.state', 'state came back unchanged.');
    return violated('authorization.state', `state came back as ${shown(state ?? undefined)}, not as sent (${shown(sent)}).`);
}
/**
 * Checks the code exchange with a wrong code_verifier: it must be refused with invalid_grant.
 * `advertised` is the discovery document's code_challenge_methods_supported.
 */
function checkPkceRefused(exchange, advertised) {
    const id = 'authorization.pkce-enforced';
    const listed = Array.isArray(advertised) && advertised.includes('S256');
    const note = listed ? '' : ' (code_challenge_methods_supported does not list S256)';
    if (tokensOf(exchange).accessToken && exchange.status === 200) {
        return violated(id, `A code sent with an S256 code_challenge was exchanged with a wrong code_verifier: PKCE is not enforced${note}.`);
    }
    if (exchange.error || (exchange.status ?? 0) >= 500) {
        return skipped(id, `Could not tell: ${describeResponse(exchange)}.`);
    }
    const body = parseJson(exchange.responseBody);
    const error = isJsonObject(body) ? body.error : undefined;
    if (error === 'invalid_grant') {
        return passed(id, `A wrong code_verifier was refused with HTTP ${exchange.status} invalid_grant${note}.`);
    }
    return violated(id, `A wrong code_verifier got no token, but the answer was ${describeResponse(exchange)}; RFC 7636 §4.6 specifies 400 invalid_grant.`);
}
/** Checks the token response to the code exchange: access token, ID token, refresh token. */
function checkCodeExchange(exchange) {
    const tokens = tokensOf(exchange);
    const body = parseJson(exchange.responseBody);
    if (exchange.status !== 200 || !isJsonObject(body) || !tokens.accessToken) {
        const message = `The code exchange did not return an access token: ${describeResponse(exchange)}.`;
        return { findings: [violated('authorization.token-response', message)], tokens };
    }
    const problems = [];
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
        problems.push(`token_type is ${shown(body.token_type)}, not Bearer`);
    }
    if (!tokens.idToken)
        problems.push('there is no id_token although openid was requested');
    const tokenResponse = problems.length > 0
        ? violated('authorization.token-response', `The code exchange answered 200, but ${problems.join(' and ')}.`)
        : passed('authorization.token-response', 'The code exchange returned an access token and an ID token.');
    const refresh = tokens.refreshToken
        ? passed('authorization.refresh-token', 'A refresh_token was issued.')
        : violated('authorization.refresh-token', 'No refresh_token was issued although offline_access was requested (with prompt=consent).');
    return { findings: [tokenResponse, refresh], tokens };
}
/**
 * Checks that the access token grants openactive-openbooking: from the response's scope, else
 * from the token's scope claim when it is a JWT, else the requested scope stands (RFC 6749 §5.1).
 */
function checkBookingScope(tokens) {
    const id = 'authorization.openbooking-scope';
    const claims = tokens.accessToken
        ? decodeJwt(tokens.accessToken)?.claims
        : undefined;
    const claim = claims?.scope;
    const fromClaim = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : undefined;
    if (tokens.scope !== undefined) {
        const granted = tokens.scope.split(' ').includes(BOOKING_SCOPE);
        if (granted)
            return passed(id, `scope is ${shown(tokens.scope)}.`);
        return violated(id, `scope is ${shown(tokens.scope)}; it does not grant ${BOOKING_SCOPE}.`);
    }
    if (fromClaim !== undefined) {
        if (fromClaim.includes(BOOKING_SCOPE))
            return passed(id, `The access token's scope claim is ${shown(claim)}.`);
        return violated(id, `The access token's scope claim is ${shown(claim)}; it does not grant ${BOOKING_SCOPE}.`);
    }
    return passed(id, 'The response names no scope, which means the requested scope was granted (RFC 6749 §5.1).');
}
/** Checks the refresh token grant, and reports whether it rotated the refresh token. */
function checkRefresh(exchange, before) {
    const tokens = tokensOf(exchange);
    if (exchange.status !== 200 || !tokens.accessToken) {
        return {
            findings: [
                violated('authorization.refresh', `The refresh token grant was refused: ${describeResponse(exchange)}.`),
                skipped('authorization.refresh-rotation', 'Not checked: the refresh token grant failed.'),
            ],
            tokens,
        };
    }
    const fresh = tokens.accessToken !== before.accessToken;
    const refresh = fresh
        ? passed('authorization.refresh', 'The refresh token grant returned a new access token.')
        : violated('authorization.refresh', 'The refresh token grant returned the same access token again.');
    const rotation = tokens.refreshToken === undefined
        ? 'The refresh token was not rotated (no new refresh_token): partners keep using the one they have.'
        : tokens.refreshToken === before.refreshToken
            ? 'The same refresh_token was returned again: it is not rotated.'
            : 'A new refresh_token was returned: the refresh token rotates, so partners must store the new one each time.';
    return { findings: [refresh, passed('authorization.refresh-rotation', rotation)], tokens };
}
/** Checks that a second authorization, with a new login, did not ask for consent again. */
function checkConsentRemembered(consentShown) {
    const id = 'authorization.consent-remembered';
    if (!consentShown)
        return passed(id, 'The second authorization did not ask for consent again.');
    return violated(id, 'The second authorization, for the same scopes as before, asked the seller for consent again.');
}
/** Checks the second exchange of an authorization code: it must be refused. */
function checkCodeReuse(exchange) {
    const id = 'authorization.code-single-use';
    if (exchange.status === 200 && tokensOf(exchange).accessToken) {
        return violated(id, 'A code exchanged once was exchanged again for new tokens.');
    }
    if (exchange.error || (exchange.status ?? 0) >= 500) {
        return skipped(id, `Could not tell: ${describeResponse(exchange)}.`);
    }
    const body = parseJson(exchange.responseBody);
    const error = isJsonObject(body) && typeof body.error === 'string' ? ` ${body.error}` : '';
    return passed(id, `The second exchange was refused (HTTP ${exchange.status}${error}).`);
}
/** What a failed login is reported as. */
function loginFailed(problem) {
    return violated('authorization.login', problem);
}
/** The error a redirect carried instead of a code, for the login check's message. */
function redirectError(redirect) {
    const error = redirect.searchParams.get('error');
    if (error === null)
        return undefined;
    const description = redirect.searchParams.get('error_description');
    return `${error}${description ? ` (${excerpt(description, 200)})` : ''}`;
}

;// CONCATENATED MODULE: ./src/checks/id-token.ts




/** The OpenActive ID token claims (Open Booking API §ID Token claims). */
const OA = 'https://openactive.io/';
const SELLER_CLAIMS = ['sellerName', 'sellerUrl', 'sellerLogo'];
const BOOKING_SERVICE_CLAIMS = ['bookingServiceName', 'bookingServiceUrl'];
/**
 * Checks an ID token from the authorization code flow: its signature against the JWKS, the
 * OpenID Connect claims, and the OpenActive seller and booking service claims.
 */
async function checkIdToken(idToken, context) {
    const jwt = decodeJwt(idToken);
    if (!jwt) {
        const why = 'The id_token is not a JWT (three base64url parts with a JSON header and claims).';
        return [
            violated('authorization.id-token-signature', why),
            skipped('authorization.id-token-claims', 'Not checked: the id_token could not be decoded.'),
        ];
    }
    const { header, claims } = jwt;
    return [
        await id_token_checkSignature(idToken, header, context.jwks),
        checkStandardClaims(claims, context),
        checkSellerId(claims, context.sellerId),
        checkPresent('authorization.seller-claims', claims, SELLER_CLAIMS),
        checkPresent('authorization.booking-service-claims', claims, BOOKING_SERVICE_CLAIMS),
    ];
}
async function id_token_checkSignature(token, header, jwks) {
    const id = 'authorization.id-token-signature';
    const problem = algProblem(header.alg);
    if (problem)
        return violated(id, `The ID token cannot be verified: ${problem}.`);
    if (!jwks)
        return skipped(id, 'Not checked: the JWKS could not be read.');
    const result = await verifyWithKeySet(token, header, jwks);
    if (!result.verified)
        return violated(id, `The ID token does not verify: ${result.reason}.`);
    const key = result.kid ? `key ${JSON.stringify(result.kid)}` : 'a key without kid';
    return passed(id, `The ID token (${header.alg}) verifies with ${key} from the JWKS.`);
}
function checkStandardClaims(claims, context) {
    const problems = [];
    if (claims.iss !== context.issuer) {
        problems.push(`iss is ${shown(claims.iss)}, not the issuer ${shown(context.issuer)}`);
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(context.clientId)) {
        problems.push(`aud is ${shown(claims.aud)}, which does not name the client id`);
    }
    else if (audiences.length > 1 && claims.azp !== context.clientId) {
        problems.push(`aud has several audiences but azp is ${shown(claims.azp)}, not the client id`);
    }
    // The nonce is random per request and not a credential: showing it helps a seller compare.
    if (claims.nonce !== context.nonce) {
        problems.push(`nonce is ${shown(claims.nonce)}, not the nonce sent (${shown(context.nonce)})`);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') {
        problems.push(`sub is ${shown(claims.sub)}`);
    }
    problems.push(...timeProblems(claims, context.now / 1000));
    if (problems.length > 0)
        return violated('authorization.id-token-claims', `${listed(problems, '; ')}.`);
    return passed('authorization.id-token-claims', `iss, aud, nonce, sub, exp and iat are as expected (sub ${shown(claims.sub)}).`);
}
function timeProblems(claims, now) {
    const problems = [];
    const { exp, iat } = claims;
    if (typeof exp !== 'number')
        problems.push(`exp is ${shown(exp)}, not a number`);
    else if (exp + LEEWAY_SECONDS < now) {
        problems.push(`exp ${isoTime(exp)} has passed`);
    }
    if (typeof iat !== 'number')
        problems.push(`iat is ${shown(iat)}, not a number`);
    else if (iat - LEEWAY_SECONDS > now) {
        problems.push(`iat ${isoTime(iat)} is in the future`);
    }
    return problems;
}
function checkSellerId(claims, expected) {
    const id = 'authorization.seller-id';
    const value = claims[`${OA}sellerId`];
    if (typeof value !== 'string' || value === '') {
        return violated(id, `${OA}sellerId is ${shown(value)}; the ID token must name the seller.`);
    }
    if (expected !== undefined && value !== expected) {
        return violated(id, `${OA}sellerId is ${shown(value)}, not the seller-id ${shown(expected)}.`);
    }
    const compared = expected === undefined ? ' (no seller-id given to compare)' : ', as expected';
    return passed(id, `${OA}sellerId is ${shown(value)}${compared}.`);
}
function checkPresent(id, claims, names) {
    const missing = names.filter((name) => {
        const value = claims[`${OA}${name}`];
        return typeof value !== 'string' || value === '';
    });
    if (missing.length > 0) {
        const seen = missing.map((name) => `${name} ${shown(claims[`${OA}${name}`])}`);
        return violated(id, `The ID token lacks ${OA}… claims: ${listed(seen)}.`);
    }
    const values = names.map((name) => `${name} ${shown(claims[`${OA}${name}`])}`);
    return passed(id, `${listed(values)}.`);
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: ./src/stages/login-form.ts



/**
 * The HTML parser and the cookie jar, loaded on first use.
 *
 * @remarks
 * Together they are about 500 KB once bundled. Loaded with `import()`, ncc puts them in chunks of
 * their own beside dist/index.js, so a run without a seller login never reads them.
 */
function loadParsers() {
    parsers ??= Promise.all([__nccwpck_require__.e(/* import() */ 369).then(__nccwpck_require__.bind(__nccwpck_require__, 369)), __nccwpck_require__.e(/* import() */ 380).then(__nccwpck_require__.bind(__nccwpck_require__, 380))]).then(([html, cookies]) => ({ parse: html.parse, CookieJar: browserLike(cookies.CookieJar) }));
    return parsers;
}
let parsers;
/**
 * A cookie jar that ignores a cookie it may not keep (one for another domain, such as an
 * analytics cookie), as a browser does: tough-cookie throws for those, and got fails the request.
 */
function browserLike(Base) {
    return class BrowserCookieJar extends Base {
        setCookie(cookie, url, options, callback) {
            if (typeof options === 'function') {
                return super.setCookie(cookie, url, { ignoreError: true }, options);
            }
            return super.setCookie(cookie, url, { ...options, ignoreError: true }, callback);
        }
    };
}
/** Redirects and pages one login may take; a loop ends here. */
const MAX_STEPS = 20;
/**
 * Why the tool will not send a login request to `url`, or undefined when it may: credentials go
 * only over https (http on loopback with allow-insecure-http) and only to the authorization
 * endpoint's or the issuer's origin.
 */
function loginHopProblem(context, url, scope) {
    const target = urlOrUndefined(url);
    if (!target)
        return `the login went to ${shown(url)}, which is not a URL`;
    const loopbackHttp = target.protocol === 'http:' &&
        context.config.allowInsecureHttp &&
        isLoopbackHost(target.hostname);
    if (target.protocol !== 'https:' && !loopbackHttp) {
        return `the login went to ${target.origin}, which is not https; no credentials are sent over plain http`;
    }
    if (!scope.origins.includes(target.origin)) {
        return `the login went to ${target.origin}, another origin than the authorization endpoint's; the tool sends the seller's credentials only to ${scope.origins.join(' or ')}`;
    }
    return undefined;
}
/**
 * Logs the seller in with plain HTTP, as a browser without JavaScript would: follows the
 * authorization request's redirects with a cookie jar, fills the login form (keeping its hidden
 * inputs, such as anti-forgery tokens), accepts a consent page, and stops at the redirect URI.
 *
 * > [!NOTE]
 * > A login page that needs JavaScript, a CAPTCHA or a second factor cannot be done this way.
 */
async function formLogin(context, start, label, scope) {
    const seller = context.config.seller;
    if (!seller)
        throw new Error('formLogin needs a seller login');
    const jar = new (await loadParsers()).CookieJar();
    let step = { method: 'GET', url: start, what: 'authorization request' };
    let loggedIn = false;
    let consentShown = false;
    for (let count = 0; count < MAX_STEPS; count++) {
        const result = await send(context, jar, step, label, scope);
        if ('problem' in result)
            return { consentShown, problem: result.problem };
        if ('redirect' in result)
            return { consentShown, redirect: result.redirect };
        if ('next' in result) {
            step = result.next;
            continue;
        }
        const { page, url } = result;
        const fields = loginFields(page, seller.selectors);
        if (fields && loggedIn) {
            return {
                consentShown,
                problem: 'the login page came back after the credentials were sent: they were refused, or the login needs a further step (such as a second factor)',
            };
        }
        if (fields) {
            const values = new Map([
                [fields.username, seller.username],
                [fields.password, seller.password],
            ]);
            const button = fields.form.querySelector(seller.selectors.submit);
            const next = submission(fields.form, url, button, values);
            if ('problem' in next)
                return { consentShown, problem: `the login form's ${next.problem}` };
            step = { ...next, what: 'login form' };
            loggedIn = true;
            continue;
        }
        if (!loggedIn) {
            return {
                consentShown,
                problem: `no login form on ${url}: the selectors ${JSON.stringify(seller.selectors.username)} and ${JSON.stringify(seller.selectors.password)} match no fields in one form (a login page built with JavaScript needs login-mode browser; see login-selectors)`,
            };
        }
        const consent = page.querySelector(seller.selectors.consent);
        const form = consent?.closest('form');
        if (!consent || !form) {
            return {
                consentShown,
                problem: `after the login, ${url} showed a page (${pageTitle(page)}) with no consent form (${JSON.stringify(seller.selectors.consent)}) instead of redirecting to the redirect URI`,
            };
        }
        consentShown = true;
        const next = submission(form, url, consent, new Map());
        if ('problem' in next)
            return { consentShown, problem: `the consent form's ${next.problem}` };
        step = { ...next, what: 'consent form' };
    }
    return { consentShown, problem: `the login took more than ${MAX_STEPS} requests` };
}
/**
 * The first answer to an authorization request, and whether following its redirects (with a
 * new cookie jar) reached a login form: for the unregistered redirect URI probe.
 */
async function firstAnswer(context, start, label, scope) {
    const seller = context.config.seller;
    if (!seller)
        throw new Error('firstAnswer needs a seller login');
    const jar = new (await loadParsers()).CookieJar();
    const before = context.http.exchanges.length;
    let step = { method: 'GET', url: start, what: 'authorization request' };
    for (let count = 0; count < MAX_STEPS; count++) {
        const result = await send(context, jar, step, label, scope);
        const first = context.http.exchanges[before];
        if ('next' in result) {
            step = result.next;
            continue;
        }
        const loginShown = 'page' in result && loginFields(result.page, seller.selectors) !== undefined;
        return { first, loginShown };
    }
    return { first: context.http.exchanges[before], loginShown: false };
}
async function send(context, jar, step, label, scope) {
    const refused = loginHopProblem(context, step.url, scope);
    if (refused)
        return { problem: refused };
    const exchange = await context.http.send({
        stage: 'authorization',
        label: `${label}: ${step.what}`,
        method: step.method,
        url: step.url,
        headers: {
            accept: 'text/html',
            ...(step.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body: step.body,
        cookieJar: jar,
    });
    rememberCookies(context, exchange);
    if (exchange.error)
        return { problem: `the ${step.what} got no answer (${exchange.error.message})` };
    const status = exchange.status ?? 0;
    const location = header(exchange, 'location');
    if (status >= 300 && status < 400 && location !== undefined) {
        const target = urlOrUndefined(location, step.url);
        if (!target) {
            return {
                problem: `the ${step.what} was answered HTTP ${status} with a Location header that is not a URL (${shown(location)})`,
            };
        }
        if (sameEndpoint(target.href, scope.redirectUri))
            return { redirect: target };
        return { next: { method: 'GET', url: target.href, what: 'redirect' } };
    }
    if (status !== 200)
        return { problem: `the ${step.what} was answered ${describeResponse(exchange)}` };
    const { parse } = await loadParsers();
    return { page: parse(exchange.responseBody), url: step.url };
}
/** A session cookie is a credential: its value is redacted from every report. */
function rememberCookies(context, exchange) {
    const setCookie = exchange.responseHeaders['set-cookie'];
    const lines = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
    for (const line of lines) {
        const value = /^[^=;]*=([^;]*)/.exec(line)?.[1];
        if (value)
            context.secrets.add(value);
    }
}
/** The username and password fields, when the page has both in one form. */
function loginFields(page, selectors) {
    const password = page.querySelector(selectors.password);
    const form = password?.closest('form');
    const username = form?.querySelector(selectors.username);
    if (!password || !form || !username)
        return undefined;
    return { form, username, password };
}
/**
 * What submitting `form` with `button` sends, as a browser would build it (HTML §4.10.21):
 * every named, enabled field, hidden ones included, with `values` in place of typed text.
 */
function submission(form, pageUrl, button, values) {
    const fields = new URLSearchParams();
    for (const field of form.querySelectorAll('input, select, textarea')) {
        const name = field.getAttribute('name');
        if (!name || field.hasAttribute('disabled'))
            continue;
        const value = fieldValue(field, values);
        if (value !== undefined)
            fields.append(name, value);
    }
    const buttonName = button?.getAttribute('name');
    if (button && buttonName)
        fields.append(buttonName, button.getAttribute('value') ?? '');
    const formaction = button?.getAttribute('formaction');
    const action = formaction ?? form.getAttribute('action') ?? '';
    const url = urlOrUndefined(action || pageUrl, pageUrl);
    if (!url) {
        const attribute = formaction === undefined ? 'action' : 'submit button formaction';
        return { problem: `${attribute} ${shown(action)} is not a URL` };
    }
    url.hash = '';
    const method = (button?.getAttribute('formmethod') ??
        form.getAttribute('method') ??
        'get').toLowerCase();
    if (method === 'post')
        return { method: 'POST', url: url.href, body: fields.toString() };
    url.search = fields.toString();
    return { method: 'GET', url: url.href };
}
/** `value` resolved against `base`, or undefined when it is no URL: a server may send any text. */
function urlOrUndefined(value, base) {
    try {
        return new URL(value, base);
    }
    catch {
        return undefined;
    }
}
function fieldValue(field, values) {
    const given = values.get(field);
    if (given !== undefined)
        return given;
    const tag = field.tagName.toLowerCase();
    if (tag === 'textarea')
        return field.text;
    if (tag === 'select') {
        const option = field.querySelector('option[selected]') ?? field.querySelector('option');
        return option ? (option.getAttribute('value') ?? option.text) : undefined;
    }
    const type = (field.getAttribute('type') ?? 'text').toLowerCase();
    if (['submit', 'button', 'image', 'reset', 'file'].includes(type))
        return undefined;
    if ((type === 'checkbox' || type === 'radio') && !field.hasAttribute('checked'))
        return undefined;
    return field.getAttribute('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
}
function pageTitle(page) {
    const title = page.querySelector('title')?.text.trim();
    return title ? `titled ${JSON.stringify(title.slice(0, 80))}` : 'without a title';
}

;// CONCATENATED MODULE: ./src/stages/login-browser.ts





/** Where Chrome or Chromium usually is: GitHub's Ubuntu runners, Debian's chromium, macOS. */
const CHROME_PATHS = [
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
/** The Chrome or Chromium to drive: the one given, else the first on the usual paths. */
function findChrome(given) {
    if (given)
        return given;
    return CHROME_PATHS.find((path) => (0,external_node_fs_namespaceObject.existsSync)(path));
}
/**
 * Loads playwright-core at run time, from the working directory first (a workflow can
 * `npm install playwright-core` there), then from beside this module.
 *
 * @remarks
 * The specifier is a variable and `require` comes from `createRequire`, so ncc does not follow
 * it: the action's bundle stays without Playwright (several MB), and only browser mode needs it.
 */
function loadPlaywright() {
    const name = 'playwright-core';
    for (const base of [(0,external_node_path_namespaceObject.join)(process.cwd(), 'package.json'), import.meta.url]) {
        try {
            return (0,external_node_module_namespaceObject.createRequire)(base)(name);
        }
        catch {
            // Not installed there: try the next place.
        }
    }
    return undefined;
}
/**
 * What browser mode drives, or why it cannot run here: Chrome or Chromium, and the playwright-core
 * package. Both are this tool's own dependencies, to install where it runs; the server has
 * nothing to do with them.
 */
function browserSetup(seller) {
    const executablePath = findChrome(seller.chromePath);
    if (!executablePath) {
        return {
            missing: `login-mode browser needs Chrome or Chromium on the machine that runs this tool, and none was found at ${CHROME_PATHS.join(', ')}: install one (such as apt-get install chromium), give its path in chrome-path, or use login-mode form`,
        };
    }
    const playwright = loadPlaywright();
    if (!playwright) {
        return {
            missing: 'login-mode browser needs the playwright-core package, which this tool loads at run time and which is not installed: run npm install playwright-core in the working directory, or use login-mode form',
        };
    }
    return { executablePath, playwright };
}
/**
 * Logs the seller in with a headless Chrome or Chromium, for login pages built with JavaScript:
 * fills the username and password fields, clicks the submit button, clicks the consent button
 * if a consent page follows, and stops at the redirect URI, which is never loaded.
 *
 * > [!NOTE]
 * > Chromium does its own network traffic. Every request it makes is held to the same rules as
 * > the form login (https, and for anything but a GET, the authorization endpoint's origin), and
 * > its page loads are recorded in the transcript, without their bodies.
 */
async function browserLogin(context, start, label, scope) {
    const seller = context.config.seller;
    if (!seller)
        throw new Error('browserLogin needs a seller login');
    const setup = browserSetup(seller);
    if ('missing' in setup)
        return { consentShown: false, problem: setup.missing };
    const { executablePath, playwright } = setup;
    const timeout = context.config.requestTimeoutMs;
    let browser;
    try {
        browser = await playwright.chromium.launch({
            executablePath,
            headless: true,
            timeout,
            // Chrome tries https first for an http redirect URI (HTTPS-Upgrades) and falls back a
            // second later; the redirect URI is only read, so that try is a waste.
            args: ['--disable-features=HttpsUpgrades'],
        });
    }
    catch (error) {
        return { consentShown: false, problem: `${executablePath} did not start: ${firstLine(error)}` };
    }
    try {
        const page = await browser.newPage();
        page.setDefaultTimeout(timeout);
        let redirect;
        let blocked;
        await page.route('**/*', async (route) => {
            const request = route.request();
            if (sameEndpoint(request.url(), scope.redirectUri)) {
                redirect = new URL(request.url());
                await route.fulfill({ status: 200, contentType: 'text/plain', body: 'Code received.' });
                return;
            }
            const problem = browserHopProblem(context, request.url(), request.method(), scope);
            if (problem) {
                blocked ??= problem;
                await route.abort('blockedbyclient');
                return;
            }
            await route.continue();
        });
        page.on('response', (response) => {
            const request = response.request();
            // Chromium takes a second to follow a redirect to another origin: the Location is enough.
            const location = response.headers().location;
            if (location && sameEndpoint(location, scope.redirectUri, request.url())) {
                redirect ??= new URL(location, request.url());
            }
            if (request.resourceType() !== 'document' || sameEndpoint(request.url(), scope.redirectUri))
                return;
            context.http.record(recorded(label, request, response));
        });
        return await drive(page, start, seller, { redirect: () => redirect, blocked: () => blocked }, timeout);
    }
    catch (error) {
        return { consentShown: false, problem: `the browser login failed: ${firstLine(error)}` };
    }
    finally {
        await browser.close();
    }
}
/** How long a page may keep showing the login form before the login counts as refused. */
const SETTLE_MS = 3000;
async function drive(page, start, seller, seen, timeout) {
    const { selectors } = seller;
    await page.goto(start).catch(() => undefined);
    const early = seen.redirect();
    if (early)
        return { consentShown: false, redirect: early };
    if (seen.blocked())
        return { consentShown: false, problem: seen.blocked() };
    const username = page.locator(selectors.username).first();
    try {
        await username.waitFor({ state: 'visible', timeout });
    }
    catch {
        return {
            consentShown: false,
            problem: `no login form on ${page.url()}: ${JSON.stringify(selectors.username)} matched no visible field within ${timeout / 1000} s (see login-selectors)`,
        };
    }
    await username.fill(seller.username);
    await page.locator(selectors.password).first().fill(seller.password);
    await page.locator(selectors.submit).first().click();
    const deadline = Date.now() + timeout;
    let acted = Date.now();
    let consentShown = false;
    for (;;) {
        const redirect = seen.redirect();
        if (redirect)
            return { consentShown, redirect };
        const blocked = seen.blocked();
        if (blocked)
            return { consentShown, problem: blocked };
        if (Date.now() > deadline) {
            return {
                consentShown,
                problem: `no redirect to the redirect URI within ${timeout / 1000} s of the login (the page is ${page.url()})`,
            };
        }
        await page.waitForLoadState('load').catch(() => undefined);
        await page.waitForTimeout(100);
        if (seen.redirect())
            continue;
        if (await visible(page, selectors.password)) {
            if (Date.now() - acted < SETTLE_MS)
                continue;
            return {
                consentShown,
                problem: 'the login page stayed after the credentials were sent: they were refused, or the login needs a further step (such as a second factor)',
            };
        }
        if (!consentShown && (await visible(page, selectors.consent))) {
            consentShown = true;
            await page.locator(selectors.consent).first().click();
            acted = Date.now();
        }
    }
}
function visible(page, selector) {
    return page
        .locator(selector)
        .first()
        .isVisible()
        .catch(() => false);
}
function browserHopProblem(context, url, method, scope) {
    if (url.startsWith('data:') || url.startsWith('blob:'))
        return undefined;
    const problem = loginHopProblem(context, url, scope);
    if (!problem)
        return undefined;
    // Scripts, styles and images from another https origin are fine; anything sent there is not.
    // Chromium's URLs are canonical: the scheme is lower case.
    if (method === 'GET' && url.startsWith('https:'))
        return undefined;
    return problem;
}
function recorded(label, request, response) {
    // The session cookie is a credential; Chromium's own headers are shown without it.
    const requestHeaders = Object.fromEntries(Object.entries(request.headers()).filter(([name]) => name.toLowerCase() !== 'cookie'));
    return {
        stage: 'authorization',
        label: `${label}: browser page load`,
        method: request.method(),
        url: request.url(),
        requestHeaders,
        requestBody: request.postData() ?? undefined,
        status: response.status(),
        responseHeaders: response.headers(),
        responseBody: '(not recorded in browser mode)',
        startedAt: Date.now(),
        durationMs: 0,
    };
}
function firstLine(error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

;// CONCATENATED MODULE: ./src/stages/authorization-flow.ts





/**
 * Sends the seller through one authorization code flow with PKCE S256 (RFC 7636), a state and a
 * nonce, up to the redirect with the code. The code and the verifier are secrets from the start.
 */
async function authorize(flow, label, request) {
    const { context, seller } = flow;
    const state = (0,external_node_crypto_namespaceObject.randomBytes)(16).toString('base64url');
    const nonce = (0,external_node_crypto_namespaceObject.randomBytes)(16).toString('base64url');
    const verifier = (0,external_node_crypto_namespaceObject.randomBytes)(32).toString('base64url');
    context.secrets.add(verifier);
    const url = authorizationUrl(flow, {
        scope: request.scope,
        state,
        nonce,
        code_challenge: (0,external_node_crypto_namespaceObject.createHash)('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        ...(request.prompt ? { prompt: request.prompt } : {}),
    });
    const login = seller.mode === 'browser' ? browserLogin : formLogin;
    const outcome = await login(context, url, label, flow.scope);
    if (!outcome.redirect)
        return { problem: outcome.problem ?? 'the login did not finish' };
    const code = outcome.redirect.searchParams.get('code');
    context.secrets.add(code ?? undefined);
    const error = redirectError(outcome.redirect);
    if (error)
        return { problem: `the redirect to the redirect URI carried error ${error}` };
    if (!code)
        return { problem: 'the redirect to the redirect URI carried no code' };
    return {
        code,
        redirect: outcome.redirect,
        consentShown: outcome.consentShown,
        state,
        nonce,
        verifier,
    };
}
/** The authorization request URL, with the parameters every request of the flow shares. */
function authorizationUrl(flow, params, redirectUri = flow.seller.redirectUri) {
    const url = new URL(flow.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', flow.client.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    for (const [name, value] of Object.entries(params))
        url.searchParams.set(name, value);
    return url.href;
}
/** Exchanges a code at the token endpoint (RFC 6749 §4.1.3). */
function exchangeCode(flow, code, verifier, label) {
    return tokenRequest(flow, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: flow.seller.redirectUri,
        code_verifier: verifier,
    }, label);
}
/** The refresh token grant (RFC 6749 §6). */
function refreshTokens(flow, refreshToken) {
    return tokenRequest(flow, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'Refresh token grant');
}
async function tokenRequest(flow, form, label) {
    const { clientId, clientSecret } = flow.client;
    const body = new URLSearchParams(form);
    const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
    };
    if (flow.clientAuthentication === 'client_secret_post') {
        body.set('client_id', clientId);
        body.set('client_secret', clientSecret);
    }
    else if (flow.clientAuthentication === 'raw Basic') {
        const raw = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
        flow.context.secrets.add(raw);
        headers.authorization = `Basic ${raw}`;
    }
    else {
        headers.authorization = `Basic ${basicCredentials(clientId, clientSecret)}`;
    }
    const exchange = await flow.context.http.send({
        stage: 'authorization',
        label,
        method: 'POST',
        url: flow.tokenEndpoint,
        headers,
        body: body.toString(),
    });
    remember(flow.context, tokensOf(exchange));
    return exchange;
}
/** Every token a response carried is a secret from now on. */
function remember(context, tokens) {
    context.secrets.add(tokens.accessToken);
    context.secrets.add(tokens.idToken);
    context.secrets.add(tokens.refreshToken);
}
/** A fresh random code_verifier that matches no challenge: for the PKCE probe. */
function wrongVerifier() {
    return (0,external_node_crypto_namespaceObject.randomBytes)(32).toString('base64url');
}

;// CONCATENATED MODULE: ./src/stages/context.ts


/**
 * An endpoint from the discovery document that the tool may send requests (and credentials)
 * to, or why not: it must be an https URL (http only on loopback with allow-insecure-http),
 * and when the document's issuer does not match, on the configured issuer's origin.
 */
function endpoint(context, state, field) {
    if (!state.metadata)
        return { reason: 'discovery failed' };
    const refused = state.refusedEndpoints?.[field];
    if (refused)
        return { reason: refused };
    const value = state.metadata[field];
    if (value === undefined)
        return { reason: `discovery did not advertise ${field}` };
    return checkedUrl(context, state, field, value);
}
/** The same policy for any URL the server hands out, such as registration_client_uri. */
function checkedUrl({ config }, state, field, value) {
    let url;
    try {
        url = new URL(String(value));
    }
    catch {
        return { reason: `${field} ${shown(value)} is not an absolute URL` };
    }
    const loopbackHttp = url.protocol === 'http:' && config.allowInsecureHttp && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !loopbackHttp) {
        return {
            reason: `${field} ${url.href} is not https, and nothing is sent to it over plain http`,
        };
    }
    const issuerOrigin = new URL(config.issuer).origin;
    if (state.metadata?.issuer !== config.issuer && url.origin !== issuerOrigin) {
        return {
            reason: `the document's issuer does not match, so nothing is sent to ${field} on another origin (${url.origin}) than the configured issuer's`,
        };
    }
    return { url: url.href };
}

;// CONCATENATED MODULE: ./src/stages/authorization.ts







/** The first authorization asks for what a booking partner needs (Open Booking API, R12). */
const BOOKING_PARTNER_SCOPE = 'openid openactive-openbooking openactive-identity offline_access';
/** The second one asks again for the identity only, as the test suite's persisted test does. */
const SECOND_SCOPE = 'openid openactive-identity';
/** Where no client of the check is registered to be sent: the probe's redirect URI. */
const UNREGISTERED_REDIRECT_URI = 'https://unregistered.invalid/openactive-auth-check/callback';
/**
 * The seller authorization, only with a seller's test login: the authorization code flow with
 * PKCE as a booking partner runs it, twice (the second time with a new login, which should not
 * ask for consent again), with the ID token, the refresh grant and the negative probes.
 */
const authorization = async (context, state) => {
    const seller = context.config.seller;
    if (!seller)
        return 'not enabled (give seller-username and seller-password to check it)';
    const authorizationEndpoint = endpoint(context, state, 'authorization_endpoint');
    if ('reason' in authorizationEndpoint)
        return authorizationEndpoint.reason;
    const tokenEndpoint = endpoint(context, state, 'token_endpoint');
    if ('reason' in tokenEndpoint)
        return tokenEndpoint.reason;
    if (!state.client)
        return 'there is no client to authenticate';
    // A missing browser is this tool's setup, not the server's fault: no check can run without it.
    const browser = seller.mode === 'browser' ? browserSetup(seller) : undefined;
    if (browser && 'missing' in browser)
        return browser.missing;
    const origins = [
        ...new Set([new URL(authorizationEndpoint.url).origin, new URL(context.config.issuer).origin]),
    ];
    const flow = {
        context,
        authorizationEndpoint: authorizationEndpoint.url,
        tokenEndpoint: tokenEndpoint.url,
        client: state.client,
        // The way the token stage's grant got its token: the code exchange must authenticate alike.
        clientAuthentication: state.tokenAuthentication ?? 'client_secret_basic',
        seller,
        scope: { origins, redirectUri: seller.redirectUri },
    };
    const findings = [await probeRedirectUri(flow)];
    const first = await authorize(flow, 'First authorization', {
        scope: BOOKING_PARTNER_SCOPE,
        // OpenID Connect Core §11: offline_access needs prompt=consent.
        prompt: 'consent',
    });
    if ('problem' in first)
        return [...findings, loginFailed(`The first authorization failed: ${first.problem}.`)];
    const consent = first.consentShown ? 'after the login and a consent page' : 'after the login';
    findings.push(passed('authorization.login', `The seller logged in (${seller.mode} mode) and ${consent} the server redirected to the redirect URI with a code.`), checkState(first.redirect, first.state));
    const tokens = await exchangeWithPkceProbe(flow, first, state, findings);
    if (tokens.refreshToken) {
        findings.push(...checkRefresh(await refreshTokens(flow, tokens.refreshToken), tokens).findings);
    }
    findings.push(...(await secondAuthorization(flow)));
    return findings;
};
/** An authorization request with a redirect URI nobody registered must stop before the login. */
async function probeRedirectUri(flow) {
    const url = authorizationUrl(flow, { scope: 'openid', state: 'unregistered-redirect-uri-probe' }, UNREGISTERED_REDIRECT_URI);
    const { first, loginShown } = await firstAnswer(flow.context, url, 'Authorization request with an unregistered redirect URI', { ...flow.scope, redirectUri: UNREGISTERED_REDIRECT_URI });
    if (!first)
        return skipped('authorization.redirect-uri-checked', 'Not checked: no request could be sent.');
    return checkRedirectUriRefused(first, UNREGISTERED_REDIRECT_URI, loginShown);
}
/**
 * Exchanges the first code with a wrong code_verifier (must be refused), then with the right
 * one; checks the tokens. A server that took the wrong verifier has given its tokens already.
 */
async function exchangeWithPkceProbe(flow, authorization, state, findings) {
    const probe = await exchangeCode(flow, authorization.code, wrongVerifier(), 'Code exchange with a wrong code_verifier');
    findings.push(checkPkceRefused(probe, state.metadata?.code_challenge_methods_supported));
    const exchange = tokensOf(probe).accessToken
        ? probe
        : await exchangeCode(flow, authorization.code, authorization.verifier, 'Code exchange');
    const { findings: exchanged, tokens } = checkCodeExchange(exchange);
    findings.push(...exchanged);
    if (!tokens.accessToken)
        return tokens;
    if (tokens.idToken) {
        findings.push(...(await checkIdToken(tokens.idToken, {
            issuer: flow.context.config.issuer,
            clientId: flow.client.clientId,
            nonce: authorization.nonce,
            jwks: state.jwks,
            now: flow.context.now(),
            sellerId: flow.seller.sellerId,
        })));
    }
    findings.push(checkBookingScope(tokens));
    return tokens;
}
/**
 * A second authorization with a new login (a new cookie jar or browser): consent given before
 * should not be asked again. Its code is then exchanged twice: the second time must fail.
 */
async function secondAuthorization(flow) {
    const second = await authorize(flow, 'Second authorization', { scope: SECOND_SCOPE });
    if ('problem' in second) {
        const why = `Not checked: the second authorization failed: ${second.problem}.`;
        return [
            skipped('authorization.consent-remembered', why),
            skipped('authorization.code-single-use', why),
        ];
    }
    const findings = [checkConsentRemembered(second.consentShown)];
    const exchange = await exchangeCode(flow, second.code, second.verifier, 'Second code exchange');
    if (!tokensOf(exchange).accessToken) {
        findings.push(skipped('authorization.code-single-use', `Not checked: the second code was not exchanged (HTTP ${exchange.status ?? exchange.error?.code}).`));
        return findings;
    }
    const again = await exchangeCode(flow, second.code, second.verifier, 'Same code exchanged again');
    findings.push(checkCodeReuse(again));
    return findings;
}
/**
 * The registration metadata the authorization code flow needs besides client credentials: the
 * grant types, the redirect URI and the booking partner's scopes. Nothing without a seller login.
 */
function sellerAuthorizationMetadata(config) {
    if (!config.seller)
        return {};
    const scopes = new Set([...config.scope.split(' '), ...BOOKING_PARTNER_SCOPE.split(' ')]);
    return {
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [config.seller.redirectUri],
        scope: [...scopes].join(' '),
    };
}

;// CONCATENATED MODULE: ./src/checks/discovery-metadata.ts


/** Metadata fields that hold endpoint URLs booking partners call. */
const ENDPOINT_FIELDS = [
    'jwks_uri',
    'authorization_endpoint',
    'token_endpoint',
    'registration_endpoint',
    'userinfo_endpoint',
    'introspection_endpoint',
    'revocation_endpoint',
    'end_session_endpoint',
];
const OPENACTIVE_SCOPES = [
    'openid',
    'openactive-openbooking',
    'openactive-ordersfeed',
    'openactive-identity',
    'offline_access',
];
const OPENACTIVE_CLAIMS = [
    'https://openactive.io/sellerId',
    'https://openactive.io/sellerName',
    'https://openactive.io/sellerUrl',
    'https://openactive.io/sellerLogo',
    'https://openactive.io/bookingServiceName',
    'https://openactive.io/bookingServiceUrl',
];
/** What the discovery document advertises beyond the required fields. */
function checkAdvertised(document, issuer) {
    return [
        checkEndpointOrigins(document, issuer),
        checkListed(document, 'grant_types_supported', ['client_credentials'], ['authorization_code', 'implicit']),
        checkListed(document, 'scopes_supported', OPENACTIVE_SCOPES),
        checkListed(document, 'token_endpoint_auth_methods_supported', ['client_secret_basic'], ['client_secret_basic']),
        checkListed(document, 'claims_supported', OPENACTIVE_CLAIMS),
    ];
}
const CHECK_OF_FIELD = {
    grant_types_supported: 'discovery.grant-types',
    scopes_supported: 'discovery.scopes',
    token_endpoint_auth_methods_supported: 'discovery.auth-methods',
    claims_supported: 'discovery.claims',
};
/**
 * Whether a `*_supported` list names the wanted values. `fallback` is the value the spec gives
 * an absent field; without one, an absent field names nothing.
 */
function checkListed(document, field, wanted, fallback) {
    const id = CHECK_OF_FIELD[field];
    const value = document[field];
    if (value !== undefined && !Array.isArray(value)) {
        return violated(id, `${field} is ${shown(value)}, not an array.`);
    }
    const listed = value ?? fallback ?? [];
    const missing = wanted.filter((item) => !listed.includes(item));
    const absent = value === undefined ? ` (absent${fallback ? `, which means ${shown(fallback)}` : ''})` : '';
    if (missing.length === 0)
        return passed(id, `${field} lists ${wanted.join(', ')}${absent}.`);
    return violated(id, `${field}${absent} does not list ${missing.join(', ')}.`);
}
/** Reports endpoints that live on another origin than the issuer. */
function checkEndpointOrigins(document, issuer) {
    const issuerOrigin = originOf(issuer);
    const elsewhere = [];
    for (const field of ENDPOINT_FIELDS) {
        const origin = originOf(document[field]);
        if (origin && origin !== issuerOrigin)
            elsewhere.push(`${field} on ${origin}`);
    }
    if (elsewhere.length === 0) {
        return passed('discovery.endpoint-origins', `Every endpoint is on the issuer’s origin ${issuerOrigin}.`);
    }
    return violated('discovery.endpoint-origins', `Endpoints on another origin than the issuer (${issuerOrigin}): ${elsewhere.join('; ')}. Booking partners must be able to reach each.`);
}
/** The RFC 8414 metadata URL: the well-known path goes between the host and the issuer's path. */
function oauthMetadataUrl(issuer) {
    const url = new URL(issuer);
    const path = url.pathname.replace(/\/$/, '');
    return `${url.origin}/.well-known/oauth-authorization-server${path === '/' ? '' : path}`;
}
/** Compares the RFC 8414 metadata, when served, with the OpenID discovery document. */
function checkOauthMetadata(exchange, discovery) {
    if (exchange.status === 404 || exchange.status === 405 || exchange.status === 410) {
        return passed('discovery.oauth-metadata', `Not served (${exchange.status}); it is optional.`);
    }
    const body = exchange.status === 200 ? parseJson(exchange.responseBody) : undefined;
    if (!isJsonObject(body)) {
        const got = exchange.error ? exchange.error.message : `HTTP ${exchange.status}`;
        return violated('discovery.oauth-metadata', `${exchange.url} did not answer with metadata (${got}).`);
    }
    const fields = ['issuer', 'token_endpoint', 'jwks_uri', 'registration_endpoint'];
    const differ = fields.filter((field) => body[field] !== undefined && body[field] !== discovery[field]);
    if (differ.length === 0)
        return passed('discovery.oauth-metadata', 'Served, and it agrees with the discovery document.');
    const details = differ.map((field) => `${field} ${shown(body[field])} vs ${shown(discovery[field])}`);
    return violated('discovery.oauth-metadata', `Served, but it disagrees with the discovery document: ${details.join('; ')}.`);
}
function originOf(value) {
    if (typeof value !== 'string')
        return undefined;
    try {
        return new URL(value).origin;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/checks/discovery.ts




const REQUIRED_METADATA = [
    'issuer',
    'jwks_uri',
    'authorization_endpoint',
    'token_endpoint',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
];
/**
 * The discovery URL: a terminating "/" is removed from the issuer before the well-known path
 * is appended (OpenID Connect Discovery 1.0 §4.1). The issuer itself stays as given.
 */
function discoveryUrl(issuer) {
    return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}
/** Notes how the discovery URL was built when the issuer ends in "/". */
function checkIssuerUrl(issuer) {
    if (!issuer.endsWith('/'))
        return [];
    return [
        passed('discovery.issuer-url', `The issuer ${shown(issuer)} ends in "/": it was removed to request ${discoveryUrl(issuer)}. ` +
            'The OpenActive test suite appends the path without removing it.'),
    ];
}
/** Checks the discovery response; returns the metadata whenever the body is a JSON object. */
function checkDiscovery(exchange, context) {
    const findings = [];
    if (exchange.status !== 200) {
        findings.push(violated('discovery.reachable', `Expected 200 from ${exchange.url}; got ${describeResponse(exchange)}.`));
        return { findings };
    }
    findings.push(passed('discovery.reachable', `${exchange.url} answered 200.`));
    const document = parseJson(exchange.responseBody);
    if (!isJsonObject(document)) {
        const what = document === undefined ? 'is not JSON' : `is JSON but not an object (${shown(document)})`;
        findings.push(violated('discovery.json-object', `The discovery document ${what}.`));
        return { findings };
    }
    findings.push(passed('discovery.json-object', 'The discovery document is a JSON object.'));
    findings.push(discovery_checkContentType(exchange));
    findings.push(checkIssuerMatches(context.issuer, document.issuer));
    findings.push(checkRequiredMetadata(document));
    if (context.registering)
        findings.push(checkRegistrationEndpoint(document));
    findings.push(checkEndpointsHttps(document, context.allowInsecureHttp));
    findings.push(...checkAdvertised(document, context.issuer));
    return { findings, metadata: document };
}
function discovery_checkContentType(exchange) {
    const type = mediaType(exchange);
    if (type === 'application/json') {
        return passed('discovery.content-type', `Served as ${shown(type)}.`);
    }
    return violated('discovery.content-type', `Discovery must be served as application/json (got ${shown(type)}); the body parsed as JSON.` +
        (isJsonMediaType(type) ? '' : ' Clients that check the media type reject it.'));
}
function checkIssuerMatches(configured, found) {
    if (found === configured) {
        return passed('discovery.issuer-matches', `issuer is ${shown(found)}, as configured.`);
    }
    const why = typeof found === 'string' ? ` ${explainIssuerDifference(configured, found)}` : '';
    return violated('discovery.issuer-matches', `issuer in the document is ${shown(found)}; the configured issuer is ${shown(configured)}.${why}`);
}
/** Says in what way two issuer strings differ, so the fix is obvious. Pure. */
function explainIssuerDifference(configured, found) {
    if (found === `${configured}/` || configured === `${found}/`) {
        return 'They differ only by a trailing "/".';
    }
    if (found.toLowerCase() === configured.toLowerCase())
        return 'They differ only in letter case.';
    let a, b;
    try {
        a = new URL(configured);
        b = new URL(found);
    }
    catch {
        return 'The document’s issuer is not a URL.';
    }
    const parts = [];
    if (a.protocol !== b.protocol)
        parts.push(`scheme (${a.protocol} vs ${b.protocol})`);
    if (a.hostname !== b.hostname)
        parts.push(`host (${a.hostname} vs ${b.hostname})`);
    if (a.port !== b.port)
        parts.push(`port (${a.port || 'default'} vs ${b.port || 'default'})`);
    if (a.pathname !== b.pathname)
        parts.push(`path (${a.pathname} vs ${b.pathname})`);
    return parts.length ? `They differ in ${parts.join(', ')}.` : 'They are not identical strings.';
}
function checkRequiredMetadata(document) {
    const missing = REQUIRED_METADATA.filter((field) => {
        const value = document[field];
        return field.endsWith('_supported')
            ? !Array.isArray(value)
            : typeof value !== 'string' || value === '';
    });
    if (missing.length === 0) {
        return passed('discovery.required-metadata', 'All required metadata is present.');
    }
    const described = missing.map((field) => `${field} (${shown(document[field])})`);
    return violated('discovery.required-metadata', `Missing or of the wrong type: ${described.join(', ')}.`);
}
function checkRegistrationEndpoint(document) {
    const value = document.registration_endpoint;
    if (typeof value === 'string' && value !== '') {
        return passed('discovery.registration-endpoint', `registration_endpoint is ${shown(value)}.`);
    }
    return violated('discovery.registration-endpoint', `registration_endpoint is ${shown(value)}: an initial access token was given, but there is nowhere to register.`);
}
function checkEndpointsHttps(document, allowInsecureHttp) {
    const problems = [];
    for (const field of ENDPOINT_FIELDS) {
        const value = document[field];
        if (value === undefined)
            continue;
        const problem = endpointProblem(value, allowInsecureHttp);
        if (problem)
            problems.push(`${field} ${shown(value)} ${problem}`);
    }
    if (problems.length === 0) {
        const loopback = allowInsecureHttp
            ? ' (or http on loopback, as allow-insecure-http permits)'
            : '';
        return passed('discovery.endpoints-https', `Every advertised endpoint is an https URL${loopback}.`);
    }
    return violated('discovery.endpoints-https', `${problems.join('; ')}.`);
}
function endpointProblem(value, allowInsecureHttp) {
    if (typeof value !== 'string')
        return 'is not a string';
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return 'is not an absolute URL';
    }
    if (url.protocol === 'https:')
        return undefined;
    if (url.protocol === 'http:' && allowInsecureHttp && isLoopbackHost(url.hostname))
        return undefined;
    if (url.protocol === 'http:')
        return `uses http (host ${url.host}); endpoints must be https URLs reachable by booking partners`;
    return `uses ${url.protocol}`;
}

;// CONCATENATED MODULE: ./src/checks/addresses.ts


/**
 * The SSRF guard, as a check: an endpoint on another origin whose host resolves to a loopback,
 * link-local or private address, while the issuer is public, is a failure and is not called,
 * unless its origin is allowed. Returns the refused fields with the reason for each.
 */
function checkEndpointAddresses(issuerInternal, endpoints, allowedOrigins) {
    const id = 'discovery.endpoint-addresses';
    if (issuerInternal) {
        const finding = skipped(id, 'Not applicable: the issuer is on an internal network itself.');
        return { finding, refused: {} };
    }
    const refused = {};
    for (const { field, origin, addresses } of endpoints) {
        if (!addresses || allowedOrigins.includes(origin))
            continue;
        const problem = internalAddressProblem(addresses, false);
        if (problem)
            refused[field] = `${field} on ${origin} ${problem}`;
    }
    const reasons = Object.values(refused);
    if (reasons.length === 0) {
        return {
            finding: passed(id, 'No endpoint on another origin resolves to an internal address.'),
            refused,
        };
    }
    const allow = 'If that is intended, list the origin in allow-endpoint-origins.';
    return { finding: violated(id, `Not called: ${reasons.join('; ')}. ${allow}`), refused };
}

;// CONCATENATED MODULE: ./src/stages/discovery.ts




/** GET {issuer}/.well-known/openid-configuration, then the RFC 8414 metadata to compare. */
const discovery = async (context, state) => {
    const { config, http } = context;
    const exchange = await http.send({
        stage: 'discovery',
        label: 'Discovery',
        method: 'GET',
        url: discoveryUrl(config.issuer),
        headers: { accept: 'application/json' },
        critical: true,
    });
    const { findings, metadata } = checkDiscovery(exchange, {
        issuer: config.issuer,
        registering: config.initialAccessToken !== undefined,
        allowInsecureHttp: config.allowInsecureHttp,
    });
    state.metadata = metadata;
    if (!metadata)
        return [...checkIssuerUrl(config.issuer), ...findings];
    findings.push(await guardEndpoints(context, metadata, state));
    // Nothing later depends on the RFC 8414 document: it is compared while registration runs.
    const later = http
        .send({
        stage: 'discovery',
        label: 'RFC 8414 authorization server metadata',
        method: 'GET',
        url: oauthMetadataUrl(config.issuer),
        headers: { accept: 'application/json' },
    })
        .then((oauth) => [checkOauthMetadata(oauth, metadata)]);
    return { findings: [...checkIssuerUrl(config.issuer), ...findings], later };
};
/**
 * Resolves the hosts of the endpoints on other origins than the issuer (DNS only, no
 * connection), refuses those on internal addresses while the issuer is public, and tells the
 * HTTP client to check again at connection time.
 */
async function guardEndpoints(context, metadata, state) {
    const { config, http, lookup } = context;
    const issuer = new URL(config.issuer);
    const issuerAddresses = await resolveHost(issuer, lookup).catch(() => []);
    const issuerInternal = anyInternal(issuerAddresses);
    const endpoints = [];
    for (const field of ENDPOINT_FIELDS) {
        let url;
        try {
            url = new URL(String(metadata[field]));
        }
        catch {
            continue;
        }
        if (metadata[field] === undefined || url.origin === issuer.origin)
            continue;
        const resolved = await resolveHost(url, lookup).then((addresses) => ({ addresses }), (error) => ({ error: error.message }));
        endpoints.push({ field, origin: url.origin, ...resolved });
    }
    const { finding, refused } = checkEndpointAddresses(issuerInternal, endpoints, config.allowEndpointOrigins);
    state.refusedEndpoints = refused;
    http.guardAddresses({
        issuerInternal,
        lookup,
        exempt: [issuer.origin, ...config.allowEndpointOrigins],
    });
    return finding;
}

;// CONCATENATED MODULE: ./src/checks/jwks.ts




const MAX_KEYS = 100;
/** Checks the JWKS response; returns the key set when it has a `keys` array. */
async function checkJwks(exchange) {
    if (exchange.status !== 200) {
        const message = `Expected 200 from jwks_uri ${exchange.url}; got ${describeResponse(exchange)}.`;
        return { findings: [violated('jwks.reachable', message)] };
    }
    const findings = [passed('jwks.reachable', `${exchange.url} answered 200.`)];
    const document = parseJson(exchange.responseBody);
    if (!isJsonObject(document) || !Array.isArray(document.keys)) {
        const what = document === undefined ? 'is not JSON' : `has no "keys" array (${shown(document)})`;
        findings.push(violated('jwks.key-set', `The JWKS ${what}.`));
        return { findings };
    }
    const entries = document.keys;
    const objects = entries.filter(isJsonObject);
    const notObjects = entries.length - objects.length;
    // A real JWKS holds a handful of keys; checking thousands would only burn time.
    const keys = objects.slice(0, MAX_KEYS);
    const beyond = objects.length > MAX_KEYS
        ? ` Only the first ${MAX_KEYS} of ${objects.length} keys are checked.`
        : '';
    findings.push(notObjects > 0
        ? violated('jwks.key-set', `${notObjects} of the ${entries.length} entries of "keys" are not JSON objects.`)
        : passed('jwks.key-set', `The JWKS has ${objects.length} key(s): ${listed(keys.map(keyName)) || 'none'}.${beyond}`));
    findings.push(checkNoPrivateKeys(keys), checkSigningKeys(keys), checkKeyIds(keys), checkKeyStrength(keys), await checkImportable(keys));
    return { findings, jwks: { keys } };
}
/** A key as a message names it. */
function keyName(key) {
    return typeof key.kid === 'string' ? key.kid : `(${String(key.kty)} key without kid)`;
}
function isSigningKey(key) {
    return key.use === undefined || key.use === 'sig';
}
function checkNoPrivateKeys(keys) {
    const exposed = keys
        .map((key) => ({ key, members: PRIVATE_MEMBERS.filter((member) => key[member] !== undefined) }))
        .filter(({ members }) => members.length > 0);
    if (exposed.length === 0)
        return passed('jwks.no-private-keys', 'No key carries private or symmetric material.');
    const keysExposed = exposed.map(({ key, members }) => `${keyName(key)} has ${members.join(', ')}`);
    return violated('jwks.no-private-keys', `The JWKS publishes secret key material: ${listed(keysExposed, '; ')}. Anyone can sign tokens with it.`);
}
function checkSigningKeys(keys) {
    const signing = keys.filter((key) => isSigningKey(key) && publicKeyProblem(key) === undefined);
    if (signing.length > 0) {
        return passed('jwks.signing-keys', `${signing.length} key(s) can verify signatures.`);
    }
    const uses = keys.map((key) => `${keyName(key)} use ${shown(key.use)}`).join(', ') || 'no keys';
    return violated('jwks.signing-keys', `No valid public key with use "sig" or no use (${uses}).`);
}
function checkKeyIds(keys) {
    const signing = keys.filter(isSigningKey);
    const without = signing.filter((key) => typeof key.kid !== 'string' || key.kid === '');
    const counts = new Map();
    for (const key of signing)
        if (typeof key.kid === 'string')
            counts.set(key.kid, (counts.get(key.kid) ?? 0) + 1);
    const duplicated = [...counts]
        .filter(([, count]) => count > 1)
        .map(([kid, count]) => `${kid} (${count} keys)`);
    const problems = [];
    if (without.length > 0)
        problems.push(`${without.length} signing key(s) have no kid`);
    if (duplicated.length > 0)
        problems.push(`kid shared by several signing keys: ${duplicated.join(', ')}`);
    if (problems.length === 0)
        return passed('jwks.key-ids', 'Every signing key has its own kid.');
    const many = signing.length > 1 ? '; clients that choose keys by kid cannot pick one' : '';
    return violated('jwks.key-ids', `${problems.join('; ')}${many}.`);
}
function checkKeyStrength(keys) {
    const weak = [];
    for (const key of keys) {
        if (key.kty !== 'RSA' || typeof key.n !== 'string')
            continue;
        const bits = rsaModulusBits(key.n);
        if (bits < 2048)
            weak.push(`${keyName(key)} is ${bits} bits`);
    }
    if (weak.length === 0)
        return passed('jwks.key-strength', 'No RSA key is shorter than 2048 bits.');
    return violated('jwks.key-strength', `RSA keys shorter than 2048 bits: ${weak.join(', ')}.`);
}
/** The bit length of a base64url RSA modulus, leading zero bits not counted. */
function rsaModulusBits(n) {
    const bytes = Buffer.from(n, 'base64url');
    let start = 0;
    while (start < bytes.length && bytes[start] === 0)
        start++;
    if (start === bytes.length)
        return 0;
    return (bytes.length - start) * 8 - Math.clz32(bytes[start]) + 24;
}
async function checkImportable(keys) {
    const problems = [];
    for (const key of keys) {
        const problem = publicKeyProblem(key) ?? (await importProblem(key));
        if (problem)
            problems.push(problem);
    }
    if (problems.length === 0)
        return passed('jwks.keys-importable', 'Every key imports as a public JWK.');
    return violated('jwks.keys-importable', `${listed(problems, '; ')}.`);
}
async function importProblem(key) {
    if (key.kty === 'oct')
        return undefined; // reported by jwks.no-private-keys
    const alg = typeof key.alg === 'string' ? key.alg : defaultAlg(key);
    if (!alg)
        return `${keyName(key)}: unsupported kty/crv ${shown(key.kty)}/${shown(key.crv)}`;
    try {
        await importJWK({ ...publicMembers(key), alg }, alg);
        return undefined;
    }
    catch (error) {
        return `${keyName(key)} cannot be imported: ${error instanceof Error ? error.message : String(error)}`;
    }
}
function defaultAlg(key) {
    if (key.kty === 'RSA')
        return 'RS256';
    if (key.kty === 'EC')
        return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(key.crv)];
    if (key.kty === 'OKP' && key.crv === 'Ed25519')
        return 'EdDSA';
    return undefined;
}

;// CONCATENATED MODULE: ./src/stages/jwks.ts


/** GET jwks_uri. */
const jwks = async (context, state) => {
    const found = endpoint(context, state, 'jwks_uri');
    if (!('url' in found))
        return found.reason;
    const url = found.url;
    const exchange = await context.http.send({
        stage: 'jwks',
        label: 'JWKS',
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
    });
    const result = await checkJwks(exchange);
    state.jwks = result.jwks;
    return result.findings;
};

;// CONCATENATED MODULE: ./src/checks/orders-feed.ts


const OPENACTIVE_MEDIA_TYPE = 'application/vnd.openactive.booking+json';
/** The RPDE page in a 200 response, or why there is none. */
function rpdePage(exchange) {
    if (exchange.status !== 200)
        return { problem: describeResponse(exchange) };
    const page = parseJson(exchange.responseBody);
    if (!isJsonObject(page))
        return { problem: `200, but not a JSON object: ${excerpt(exchange.responseBody)}` };
    const problems = [];
    if (!Array.isArray(page.items))
        problems.push(`items is ${shown(page.items)}, not an array`);
    if (typeof page.next !== 'string' || page.next === '')
        problems.push(`next is ${shown(page.next)}, not a URL`);
    if (problems.length > 0)
        return { problem: `200, but not an RPDE page: ${problems.join('; ')}` };
    return { page };
}
/** Checks the Orders feed response to a request carrying the access token. */
function checkOrdersFeedAuthorized(exchange) {
    const { page, problem } = rpdePage(exchange);
    if (!page) {
        return [
            violated('orders-feed.authorized', `The Orders feed did not serve the access token an RPDE page: ${problem}.`),
        ];
    }
    const items = page.items;
    return [
        passed('orders-feed.authorized', `200 with an RPDE page of ${items.length} item(s).`),
        orders_feed_checkContentType(exchange),
    ];
}
function orders_feed_checkContentType(exchange) {
    const type = mediaType(exchange);
    if (type === OPENACTIVE_MEDIA_TYPE || type === 'application/json') {
        return passed('orders-feed.content-type', `Served as ${shown(header(exchange, 'content-type'))}.`);
    }
    return violated('orders-feed.content-type', `Served as ${shown(header(exchange, 'content-type'))}; expected ${OPENACTIVE_MEDIA_TYPE}; version=1 or application/json.`);
}
/** The URL of the next page when it can be followed: absolute and on the feed's origin. */
function nextPageUrl(feedUrl, page) {
    let next;
    try {
        next = new URL(String(page.next));
    }
    catch {
        return { problem: `next ${shown(page.next)} is not an absolute URL` };
    }
    if (next.origin !== new URL(feedUrl).origin) {
        return {
            problem: `next ${shown(page.next)} leaves the feed’s origin ${new URL(feedUrl).origin}`,
        };
    }
    return { url: next.href };
}
function checkNextPage(exchange) {
    const { page, problem } = rpdePage(exchange);
    if (page)
        return passed('orders-feed.next-page', `The next page ${exchange.url} answered 200 with an RPDE page.`);
    return violated('orders-feed.next-page', `The next page ${exchange.url} did not: ${problem}.`);
}
/** Checks that a request with a bad or no token was refused. */
function checkRefused(exchange, id, what) {
    if (exchange.status === 401 || exchange.status === 403) {
        return passed(id, `A request ${what} was refused with ${exchange.status}.`);
    }
    // A server error or no answer serves nothing, but says nothing about the token either;
    // unless its body is the feed all the same.
    if (exchange.error || (exchange.status ?? 0) >= 500) {
        const body = exchange.error ? undefined : parseJson(exchange.responseBody);
        if (isJsonObject(body) && Array.isArray(body.items) && body.items.length > 0) {
            return violated(id, `A request ${what} got HTTP ${exchange.status}, but its body is an RPDE page with ${body.items.length} item(s): the Orders feed is served whatever the status says.`);
        }
        return skipped(id, `Could not tell: a request ${what} got ${describeResponse(exchange)}.`);
    }
    const open = exchange.status === 200 ? ' Anyone can read the Orders feed.' : '';
    const login = exchange.status && exchange.status >= 300 && exchange.status < 400
        ? ' A redirect (to a login page) is not a refusal an API client understands.'
        : '';
    return violated(id, `A request ${what} got ${describeResponse(exchange)}; expected 401 or 403.${open}${login}`);
}
/** Checks that every 401 among the refusals carries a Bearer challenge. */
function checkChallenges(refusals) {
    const unauthorized = refusals.filter((exchange) => exchange.status === 401);
    if (unauthorized.length === 0) {
        return skipped('orders-feed.www-authenticate', 'Not applicable: no request was answered 401.');
    }
    const without = unauthorized.filter((exchange) => !/^\s*bearer\b/i.test(header(exchange, 'www-authenticate') ?? ''));
    if (without.length === 0) {
        return passed('orders-feed.www-authenticate', `Every 401 carries WWW-Authenticate: Bearer (${unauthorized.length}).`);
    }
    const seen = without.map((exchange) => `${exchange.label}: ${shown(header(exchange, 'www-authenticate'))}`);
    return violated('orders-feed.www-authenticate', `401 without a Bearer challenge: ${seen.join('; ')}.`);
}
/** The token with one byte of its signature changed (the last character, for an opaque token). */
function tamperedToken(token) {
    const parts = token.split('.');
    if (parts.length === 3 && parts[2]) {
        const signature = Buffer.from(parts[2], 'base64url');
        signature[0] ^= 0x01;
        return `${parts[0]}.${parts[1]}.${signature.toString('base64url')}`;
    }
    const last = token.at(-1);
    return `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
}
/** A JWT whose exp is an hour before `now`, signature left as it was; undefined when not a JWT. */
function expiredLookingToken(token, claims, now) {
    if (!claims)
        return undefined;
    const parts = token.split('.');
    const payload = Buffer.from(stringify({ ...claims, exp: Math.floor(now / 1000) - 3600 })).toString('base64url');
    return `${parts[0]}.${payload}.${parts[2]}`;
}

;// CONCATENATED MODULE: ./src/stages/orders-feed.ts



/** The checks that need an access token. */
const orders_feed_TOKEN_CHECKS = [
    'orders-feed.authorized',
    'orders-feed.content-type',
    'orders-feed.next-page',
    'orders-feed.rejects-tampered-token',
    'orders-feed.rejects-expired-token',
];
/** The Accept header the OpenActive test suite's Broker sends to the Orders feed. */
const ACCEPT = 'application/vnd.openactive.booking+json; version=1, application/json';
/**
 * GET the Orders feed with the access token (and its next page), then without a token, with
 * the token's signature tampered with, and with its exp moved into the past: all refused.
 */
const ordersFeed = async (context, state) => {
    const url = context.config.ordersFeedUrl;
    if (!url)
        return 'no orders-feed-url was given';
    // No later stage needs the feed: it is read beside the seller's authorization.
    return { findings: [], later: readFeed(context, state, url) };
};
async function readFeed(context, state, url) {
    const findings = [];
    const token = state.accessToken;
    const get = (label, bearer, target = url) => read(context, target, label, bearer);
    // The refusals need nothing from the authorized read: all of them run side by side.
    const authorizedRead = token ? readAuthorized(context, url, token) : undefined;
    const tampered = token ? tamperedToken(token) : undefined;
    const expired = token
        ? expiredLookingToken(token, decodeJwt(token)?.claims, context.now())
        : undefined;
    context.secrets.add(tampered);
    context.secrets.add(expired);
    const attempts = [['orders-feed.rejects-no-token', 'without a token', undefined]];
    if (tampered)
        attempts.push(['orders-feed.rejects-tampered-token', 'with a tampered token', tampered]);
    if (expired)
        attempts.push(['orders-feed.rejects-expired-token', 'with an expired token', expired]);
    const refusals = await Promise.all(attempts.map(([, what, bearer]) => get(`Orders feed ${what}`, bearer)));
    if (authorizedRead)
        findings.push(...(await authorizedRead));
    attempts.forEach(([id, what], index) => findings.push(checkRefused(refusals[index], id, what)));
    if (token && !expired) {
        findings.push(skipped('orders-feed.rejects-expired-token', 'Not applicable: the access token is opaque.'));
    }
    if (!token) {
        for (const id of orders_feed_TOKEN_CHECKS)
            findings.push(skipped(id, 'Skipped: there is no access token.'));
    }
    findings.push(checkChallenges(refusals));
    return findings;
}
/** GET the feed with the access token, then its next page. */
async function readAuthorized(context, url, token) {
    const authorized = await read(context, url, 'Orders feed with the access token', token, true);
    const findings = checkOrdersFeedAuthorized(authorized);
    const { page } = rpdePage(authorized);
    const next = page && nextPageUrl(url, page);
    if (next?.url) {
        const nextPage = await read(context, next.url, 'Orders feed, next page', token, true);
        findings.push(checkNextPage(nextPage));
    }
    else if (next?.problem) {
        findings.push(skipped('orders-feed.next-page', `Not followed: ${next.problem}.`));
    }
    return findings;
}
function read(context, url, label, bearer, critical = false) {
    return context.http.send({
        stage: 'orders-feed',
        label,
        critical,
        method: 'GET',
        url,
        // Always "Bearer" as RFC 6750 spells it, never the server's token_type echoed back.
        headers: {
            ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
            accept: ACCEPT,
            'cache-control': 'max-age=0',
        },
    });
}

;// CONCATENATED MODULE: ./src/checks/registration.ts



/**
 * Checks the registration response. Any 2xx with client_id and client_secret counts as a
 * registration, so later stages run; a status other than 201 is reported on its own.
 */
function checkRegistration(exchange, scope) {
    const status = exchange.status;
    if (status === undefined || status < 200 || status > 299) {
        const message = `Registration was refused: ${describeResponse(exchange)}.`;
        return { findings: [violated('registration.succeeded', message)] };
    }
    const body = parseJson(exchange.responseBody);
    const client = isJsonObject(body) ? clientOf(body) : undefined;
    if (!isJsonObject(body) || !client) {
        const what = isJsonObject(body)
            ? `client_id is ${shown(body.client_id)} and client_secret is ${body.client_secret === undefined ? '(absent)' : 'not a non-empty string'}`
            : 'the body is not a JSON object';
        return {
            findings: [
                violated('registration.succeeded', `Registration answered ${status}, but ${what}.`),
            ],
        };
    }
    const findings = [
        passed('registration.succeeded', `Registered client ${shown(client.clientId)}.`),
        status === 201
            ? passed('registration.status-created', 'Registration answered 201 Created.')
            : violated('registration.status-created', `Registration succeeded with ${status}; RFC 7591 §3.2.1 specifies 201 Created.`),
        checkSecretExpiry(body.client_secret_expires_at, exchange.startedAt),
        checkMetadataEchoed(body, scope),
        checkNoStore(exchange, 'registration.no-store'),
    ];
    return { findings, client, registrationAccessToken: registrationAccessTokenOf(body) };
}
/** The RFC 7592 registration access token: a secret, like the client secret. */
function registrationAccessTokenOf(body) {
    const token = isJsonObject(body) ? body.registration_access_token : undefined;
    return typeof token === 'string' ? token : undefined;
}
function clientOf(body) {
    const { client_id: clientId, client_secret: clientSecret } = body;
    if (typeof clientId !== 'string' || clientId === '')
        return undefined;
    if (typeof clientSecret !== 'string' || clientSecret === '')
        return undefined;
    return { clientId, clientSecret };
}
/** `issuedAt` is when the request was sent, in milliseconds since the epoch. */
function checkSecretExpiry(expiresAt, issuedAt) {
    if (typeof expiresAt === 'number' && expiresAt !== 0 && expiresAt * 1000 <= issuedAt) {
        return violated('registration.secret-expiry', `client_secret_expires_at is ${expiresAt}: the secret expired ${isoTime(expiresAt)}, before it was issued; 0 means it never expires (RFC 7591 §3.2.1).`);
    }
    if (typeof expiresAt === 'number') {
        const when = expiresAt === 0 ? 'never expires' : `expires ${isoTime(expiresAt)}`;
        return passed('registration.secret-expiry', `client_secret_expires_at is ${expiresAt}: the secret ${when}.`);
    }
    return violated('registration.secret-expiry', `client_secret_expires_at is ${shown(expiresAt)}; RFC 7591 §3.2.1 requires it with a secret (0 for never).`);
}
function checkMetadataEchoed(body, scope) {
    const problems = [];
    const grantTypes = body.grant_types;
    if (!Array.isArray(grantTypes))
        problems.push(`grant_types is ${shown(grantTypes)}`);
    else if (!grantTypes.includes('client_credentials')) {
        problems.push(`grant_types ${shown(grantTypes)} dropped client_credentials`);
    }
    const granted = typeof body.scope === 'string' ? body.scope.split(' ') : undefined;
    if (!granted)
        problems.push(`scope is ${shown(body.scope)}`);
    else {
        const dropped = scope.split(' ').filter((token) => !granted.includes(token));
        if (dropped.length > 0)
            problems.push(`scope ${shown(body.scope)} dropped ${dropped.join(' ')}`);
    }
    if (problems.length === 0) {
        return passed('registration.metadata-echoed', `grant_types and scope are returned, with client_credentials and ${scope}.`);
    }
    return violated('registration.metadata-echoed', `The response does not return the registered metadata: ${problems.join('; ')}. The client may be unable to read the Orders feed.`);
}
/**
 * Checks that a registration attempt without valid authorization was refused. Returns the
 * client the server wrongly registered, so its secret can be redacted.
 */
function checkRegistrationRefused(exchange, id, what) {
    const status = exchange.status;
    if (status === 400 || status === 401 || status === 403) {
        return { finding: passed(id, `A registration ${what} was refused with ${status}.`) };
    }
    if (status !== undefined && status >= 200 && status < 300) {
        const body = parseJson(exchange.responseBody);
        return {
            finding: violated(id, `A registration ${what} was accepted (${status}): anyone can register clients.`),
            client: isJsonObject(body) ? clientOf(body) : undefined,
            registrationAccessToken: registrationAccessTokenOf(body),
        };
    }
    return {
        finding: violated(id, `A registration ${what} got ${describeResponse(exchange)}; expected 401 (or 400/403).`),
    };
}

;// CONCATENATED MODULE: ./src/stages/registration.ts








/**
 * Registers a client_credentials client with the initial access token (RFC 7591), or takes the
 * given client credentials and reports registration as skipped. Then tries to register without
 * a token and with a wrong one: both must be refused.
 */
const registration = async (context, state) => {
    const { config, secrets } = context;
    const found = endpoint(context, state, 'registration_endpoint');
    const url = 'url' in found ? found.url : undefined;
    const findings = [];
    const sent = [];
    const given = config.clientId !== undefined && config.clientSecret !== undefined;
    if (!given && !url)
        return found.reason;
    const probes = [
        ['registration.requires-token', 'without an initial access token', undefined],
        [
            'registration.rejects-invalid-token',
            'with a wrong initial access token',
            `invalid-${(0,external_node_crypto_namespaceObject.randomBytes)(16).toString('hex')}`,
        ],
    ];
    // The registration and the probes need nothing from each other: they run side by side.
    const token = config.initialAccessToken;
    const main = !given && url ? register(context, url, 'Dynamic Client Registration', token, true) : undefined;
    const probed = url
        ? probes.map(([, what, probeToken]) => register(context, url, `Registration ${what}`, probeToken))
        : [];
    if (given) {
        state.client = { clientId: config.clientId, clientSecret: config.clientSecret };
        findings.push(skipped('registration.skipped', 'Client credentials were given, so no client was registered.'));
    }
    else if (main) {
        findings.push(passed('registration.skipped', 'Not skipped: an initial access token was given.'));
        const exchange = await main;
        sent.push([exchange, token]);
        const result = checkRegistration(exchange, config.scope);
        if (result.client) {
            secrets.add(result.client.clientSecret);
            secrets.addBasic(result.client.clientId, result.client.clientSecret);
            state.justRegistered = true;
        }
        secrets.add(result.registrationAccessToken);
        registration_remember(state, exchange, result.client?.clientId);
        state.client = result.client;
        findings.push(...result.findings);
    }
    if (!url) {
        const why = `Not checked: ${found.reason}.`;
        return [
            ...findings,
            skipped('registration.requires-token', why),
            skipped('registration.rejects-invalid-token', why),
        ];
    }
    // The next stage needs only the client: the refusals are judged while it runs.
    const later = (async () => {
        const refusals = [];
        for (const [index, [id, what, probeToken]] of probes.entries()) {
            const exchange = await probed[index];
            sent.push([exchange, probeToken]);
            const { finding, client, registrationAccessToken } = checkRegistrationRefused(exchange, id, what);
            secrets.add(client?.clientSecret);
            secrets.add(registrationAccessToken);
            registration_remember(state, exchange, client?.clientId);
            refusals.push(finding);
        }
        return [...refusals, checkEchoes(sent)];
    })();
    return { findings, later };
};
/** No registration response may repeat the initial access token it was sent. */
function checkEchoes(sent) {
    const echoing = sent.filter(([exchange, token]) => echoes(exchange.responseBody, token));
    if (echoing.length === 0) {
        return passed('registration.no-secret-echo', 'No response repeats the initial access token it was sent.');
    }
    const labels = echoing.map(([exchange]) => exchange.label).join('; ');
    return violated('registration.no-secret-echo', `The initial access token sent is echoed in the response to: ${labels}.`);
}
/** Notes a client the check registered, with its RFC 7592 management URI and token if any. */
function registration_remember(state, exchange, clientId) {
    if (!clientId)
        return;
    const body = parseJson(exchange.responseBody);
    const field = (name) => isJsonObject(body) && typeof body[name] === 'string' ? body[name] : undefined;
    state.registeredClients = [
        ...(state.registeredClients ?? []),
        {
            clientId,
            uri: field('registration_client_uri'),
            accessToken: field('registration_access_token'),
        },
    ];
}
/**
 * Deletes the clients the check registered, where the server offers RFC 7592 management; run
 * once every stage is done. Returns the finding that reports it.
 */
async function deleteRegisteredClients(context, state) {
    const clients = state.registeredClients ?? [];
    if (clients.length === 0)
        return undefined;
    const outcomes = [];
    for (const { clientId, uri, accessToken } of clients) {
        if (!uri || !accessToken) {
            outcomes.push(`client ${clientId} remains registered: the server returned no registration_client_uri and registration_access_token (RFC 7592)`);
            continue;
        }
        const checked = checkedUrl(context, state, 'registration_client_uri', uri);
        if (!('url' in checked)) {
            outcomes.push(`client ${clientId} remains registered: ${checked.reason}`);
            continue;
        }
        const exchange = await context.http.send({
            stage: 'registration',
            label: 'Delete the registered client (RFC 7592)',
            method: 'DELETE',
            url: checked.url,
            headers: { authorization: `Bearer ${accessToken}` },
        });
        const status = exchange.error ? exchange.error.message : `HTTP ${exchange.status}`;
        outcomes.push(exchange.status === 204 || exchange.status === 200
            ? `client ${clientId} deleted (${status})`
            : `client ${clientId} could not be deleted (${status}) and remains registered`);
    }
    return passed('registration.client-deleted', `${outcomes.join('; ')}.`);
}
function register(context, url, label, token, critical = false) {
    return context.http.send({
        stage: 'registration',
        label,
        critical,
        method: 'POST',
        url,
        headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            'content-type': 'application/json',
            accept: 'application/json',
        },
        body: JSON.stringify({
            client_name: `${TOOL.name} (OpenActive auth conformance check)`,
            grant_types: ['client_credentials'],
            response_types: [],
            scope: context.config.scope,
            token_endpoint_auth_method: 'client_secret_basic',
            // With a seller login, the same client runs the authorization code flow too.
            ...sellerAuthorizationMetadata(context.config),
        }),
    });
}

;// CONCATENATED MODULE: ./src/stages/token.ts







/** The scope a client registered for the Orders feed must not get (OpenActive scope table). */
const token_BOOKING_SCOPE = 'openactive-openbooking';
/**
 * The client credentials grant with client_secret_basic (RFC 6749 §4.4, §2.3.1); then
 * client_secret_post when advertised, a wrong secret, a scope the client may not have, and GET.
 */
const token = async (context, state) => {
    const found = endpoint(context, state, 'token_endpoint');
    if (!('url' in found))
        return found.reason;
    const url = found.url;
    if (!state.client)
        return 'there is no client to authenticate';
    const client = state.client;
    const scope = context.config.scope;
    const sent = [];
    const grant = async (method, options = {}) => {
        const credentials = options.credentials ?? client;
        const exchange = await requestToken(context, url, method, {
            ...options,
            credentials,
            scope: options.scope ?? scope,
        });
        sent.push([exchange, credentials.clientSecret]);
        token_remember(context, exchange);
        return exchange;
    };
    const methods = state.metadata?.token_endpoint_auth_methods_supported;
    const postAdvertised = Array.isArray(methods) && methods.includes('client_secret_post');
    const first = firstGrant(state, grant);
    // The probes need nothing from the first grant: they run beside it.
    const posting = postAdvertised ? grant('client_secret_post') : Promise.resolve(undefined);
    const wrongSecret = grant('client_secret_basic', {
        credentials: { ...client, clientSecret: `wrong-${(0,external_node_crypto_namespaceObject.randomBytes)(12).toString('hex')}` },
        label: 'Client Credentials grant with a wrong secret',
    });
    const getting = context.http.send({
        stage: 'token',
        label: 'GET on the token endpoint',
        method: 'GET',
        url,
    });
    const { exchange: basic, waitedMs } = await first;
    const basicResult = checkTokenResponse(basic, scope);
    if (waitedMs > 0 && basicResult.accessToken) {
        basicResult.findings[0] = {
            ...basicResult.findings[0],
            message: `${basicResult.findings[0].message} The new client became usable only after ${waitedMs} ms of retries.`,
        };
    }
    let used = {
        method: 'client_secret_basic',
        result: basicResult,
        exchange: basic,
    };
    let succeeded = basicResult.findings[0];
    if (!basicResult.accessToken) {
        // Only now does the next stage wait for the probes: one of them may hold the token.
        const post = await posting;
        const postResult = post && checkTokenResponse(post, scope);
        const raw = await diagnoseRaw(context, basic, grant, client);
        if (raw?.diagnosis)
            succeeded = raw.diagnosis;
        if (postResult?.accessToken && post)
            used = { method: 'client_secret_post', result: postResult, exchange: post };
        else if (raw?.result.accessToken)
            used = { method: 'raw Basic', result: raw.result, exchange: raw.exchange };
    }
    const findings = [succeeded];
    if (used.method !== 'client_secret_basic') {
        findings[0] = {
            ...succeeded,
            message: `${succeeded.message} The checks below use the token from ${used.method}.`,
        };
    }
    findings.push(...used.result.findings.filter((finding) => finding.id !== 'token.succeeded'));
    state.accessToken = used.result.accessToken;
    state.expiresIn = used.result.expiresIn;
    state.tokenExchange = used.result.accessToken ? used.exchange : undefined;
    state.tokenAuthentication = used.result.accessToken ? used.method : undefined;
    // The Orders feed needs only the token: the probes are judged while it is read.
    const later = (async () => {
        const [post, wrong, get, escalation] = await Promise.all([
            posting,
            wrongSecret,
            getting,
            probeEscalation(context, used, grant),
        ]);
        const postResult = post && checkTokenResponse(post, scope);
        return [
            checkPost(postAdvertised, post, postResult),
            ...checkWrongSecret(wrong),
            escalation,
            checkGetRejected(get),
            token_checkEchoes(sent),
        ];
    })();
    return { findings, later };
};
/** Delays before retrying the first grant of a client registered a moment ago. */
const NEW_CLIENT_DELAYS_MS = [250, 500, 1000];
/**
 * The first client_secret_basic grant. A client registered a moment ago is not always usable at
 * once: refused as invalid_client, the request is tried again a few times with backoff, and the
 * time waited is reported.
 */
async function firstGrant(state, grant) {
    let exchange = await grant('client_secret_basic', { critical: true });
    let waitedMs = 0;
    for (const delay of state.justRegistered ? NEW_CLIENT_DELAYS_MS : []) {
        if (!isInvalidClient(exchange))
            break;
        await new Promise((resolve) => setTimeout(resolve, delay));
        waitedMs += delay;
        exchange = await grant('client_secret_basic', {
            label: `Client Credentials grant (client_secret_basic), retried after ${waitedMs} ms`,
            critical: true,
        });
    }
    return { exchange, waitedMs };
}
function isInvalidClient(exchange) {
    const body = parseJson(exchange.responseBody);
    return ((exchange.status === 401 || exchange.status === 400) &&
        isJsonObject(body) &&
        body.error === 'invalid_client');
}
/** No token endpoint response may repeat the client secret it was sent. */
function token_checkEchoes(sent) {
    const echoing = sent.filter(([exchange, secret]) => echoes(exchange.responseBody, secret));
    if (echoing.length === 0)
        return passed('token.no-secret-echo', 'No response repeats the client secret it was sent.');
    const labels = echoing.map(([exchange]) => exchange.label).join('; ');
    return violated('token.no-secret-echo', `The client secret sent is echoed in the response to: ${labels}.`);
}
/**
 * After refused Basic credentials, tries them unencoded (RFC 7617 only) to tell an encoding bug
 * apart. Only when encoding changes them: otherwise the second request would say nothing new.
 */
async function diagnoseRaw(context, spec, grant, client) {
    if (spec.status !== 400 && spec.status !== 401)
        return undefined;
    const raw = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    if (raw === basicCredentials(client.clientId, client.clientSecret))
        return undefined;
    const exchange = await grant('raw Basic', {
        label: 'Client Credentials grant (unencoded Basic credentials, for diagnosis)',
        critical: true,
    });
    const result = checkTokenResponse(exchange, context.config.scope);
    return { exchange, result, diagnosis: diagnoseBasicEncoding(spec, exchange) };
}
function checkPost(advertised, post, result) {
    if (!advertised || !post || !result) {
        return skipped('token.client-secret-post', 'Not checked: token_endpoint_auth_methods_supported does not list client_secret_post.');
    }
    if (result.accessToken)
        return passed('token.client-secret-post', 'client_secret_post works too.');
    return violated('token.client-secret-post', `client_secret_post is advertised but was refused: ${describeResponse(post)}.`);
}
async function probeEscalation(context, used, grant) {
    if (!used.result.accessToken)
        return skipped('token.scope-not-escalated', 'Not checked: no client authentication method worked.');
    if (context.config.scope.split(' ').includes(token_BOOKING_SCOPE)) {
        return skipped('token.scope-not-escalated', `Not applicable: the requested scope includes ${token_BOOKING_SCOPE}.`);
    }
    const exchange = await grant(used.method, {
        scope: token_BOOKING_SCOPE,
        label: `Client Credentials grant for ${token_BOOKING_SCOPE}`,
    });
    const body = parseJson(exchange.responseBody);
    const handedOut = isJsonObject(body) ? body.access_token : undefined;
    const claims = typeof handedOut === 'string' ? decodeJwt(handedOut)?.claims : undefined;
    return checkScopeEscalation(exchange, token_BOOKING_SCOPE, claims);
}
function requestToken(context, url, method, { credentials: client, scope, label = `Client Credentials grant (${method})`, critical, }) {
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope });
    const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
    };
    if (method === 'client_secret_basic')
        headers.authorization = `Basic ${basicCredentials(client.clientId, client.clientSecret)}`;
    if (method === 'raw Basic') {
        const raw = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
        context.secrets.add(raw);
        headers.authorization = `Basic ${raw}`;
    }
    if (method === 'client_secret_post') {
        form.set('client_id', client.clientId);
        form.set('client_secret', client.clientSecret);
    }
    return context.http.send({
        stage: 'token',
        label,
        method: 'POST',
        url,
        headers,
        body: form.toString(),
        critical,
    });
}
/** Every token a response carried, whatever its status, is a secret from now on. */
function token_remember(context, exchange) {
    const body = parseJson(exchange.responseBody);
    if (!isJsonObject(body))
        return;
    for (const field of ['access_token', 'refresh_token', 'id_token']) {
        if (typeof body[field] === 'string')
            context.secrets.add(body[field]);
    }
}

;// CONCATENATED MODULE: ./src/run.ts













const RUNNERS = [
    ['discovery', discovery],
    ['jwks', jwks],
    ['registration', registration],
    ['token', token],
    ['access-token', accessToken],
    ['orders-feed', ordersFeed],
    ['authorization', authorization],
];
/**
 * Stages that only later stages' checks need: the JWKS is fetched beside registration, and the
 * access token is verified while the Orders feed is read with it.
 */
const RUNS_BESIDE_NEXT = new Set(['jwks', 'access-token']);
/**
 * Checks a booking system's auth server the way a booking partner uses it: each stage in
 * order, a stage that cannot run reported as skipped with the reason. Never throws for
 * anything the server does.
 */
async function runCheck(config, options = {}) {
    const secrets = new Secrets(options.onSecret);
    secrets.add(config.initialAccessToken);
    secrets.add(config.clientSecret);
    if (config.clientId && config.clientSecret)
        secrets.addBasic(config.clientId, config.clientSecret);
    secrets.add(config.seller?.username);
    secrets.add(config.seller?.password);
    const now = options.now ?? Date.now;
    const context = {
        config,
        http: new HttpClient({
            timeoutMs: config.requestTimeoutMs,
            caCertificate: config.caCertificate,
            budgetMs: config.runTimeoutMs,
            lookup: options.lookup,
        }),
        secrets,
        now,
        lookup: options.lookup ?? systemLookup,
    };
    const state = {};
    const findings = [];
    const timings = {};
    const started = performance.now();
    const startedAt = new Date(now());
    // A stage's findings sit in an object so that awaiting the stage waits only until later
    // stages can go on, not for its probes.
    const runStage = async (stage, runner) => {
        const stageStarted = performance.now();
        const outcome = await runner(context, state);
        const complete = (stageFindings) => {
            timings[stage] = Math.round(performance.now() - stageStarted);
            return completeStage(stage, stageFindings);
        };
        if (typeof outcome === 'string') {
            timings[stage] = Math.round(performance.now() - stageStarted);
            return {
                findings: Promise.resolve(checksOfStage(stage).map((id) => skipped(id, `Skipped: ${outcome}.`))),
            };
        }
        if (Array.isArray(outcome))
            return { findings: Promise.resolve(complete(outcome)) };
        return { findings: outcome.later.then((later) => complete([...outcome.findings, ...later])) };
    };
    // Stages run in order, each once the one before is ready; one that only later stages need
    // runs beside the next. Findings are collected, and logged, in stage order all the same.
    const running = [];
    const collected = [];
    let logged = Promise.resolve();
    for (const [stage, runner] of RUNNERS) {
        const run = runStage(stage, runner);
        const stageFindings = run.then((ran) => ran.findings);
        running.push(run);
        collected.push(stageFindings);
        logged = logged
            .then(() => stageFindings)
            .then((done) => options.log?.(`${STAGE_TITLES[stage]}: ${stageStatus(done)} (${timings[stage]} ms)`))
            .catch(() => undefined);
        if (!RUNS_BESIDE_NEXT.has(stage))
            await Promise.all(running);
    }
    for (const stageFindings of collected)
        findings.push(...(await stageFindings));
    await logged;
    // Clean up last, so every stage could use the client.
    const deleted = await deleteRegisteredClients(context, state);
    if (deleted)
        findings.splice(findings.findIndex((finding) => finding.id === deleted.id), 1, deleted);
    return buildReport({
        config,
        findings,
        exchanges: context.http.exchanges,
        timings,
        clientId: state.client?.clientId,
        accessToken: state.accessToken,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        secrets,
    });
}
/**
 * Every check of the stage, in catalogue order: a check the stage did not reach is reported as
 * skipped, naming the failure that stopped it, so each report lists each check once.
 */
function completeStage(stage, findings) {
    const failed = findings.find((finding) => finding.status === 'fail');
    const why = failed ? `Not checked, because ${failed.id} failed.` : 'Not applicable to this run.';
    return checksOfStage(stage).map((id) => findings.find((finding) => finding.id === id) ?? skipped(id, why));
}

;// CONCATENATED MODULE: ./src/cli/systems.ts






/** Inputs that hold secrets: a systems file names an environment variable for each instead. */
const SECRET_INPUTS = [
    'initial-access-token',
    'client-secret',
    'client-id',
    'seller-username',
    'seller-password',
];
/**
 * Reads a systems file: a JSON array of objects whose keys are the input names (`issuer`,
 * `orders-feed-url`, …) plus `name`, with secrets given as the names of environment variables
 * (`initial-access-token-env`, `client-id-env`, `client-secret-env`), never as values. Each
 * entry's inputs are laid over `defaults`, the inputs given on the command line.
 *
 * A file that cannot be read, is not JSON or is not a non-empty array throws; a bad entry does
 * not: it comes back with its `error`, so that only that system fails.
 */
async function readSystems(path, env, defaults = {}) {
    let text;
    try {
        text = await (0,promises_namespaceObject.readFile)(path, 'utf8');
    }
    catch (error) {
        throw new Error(`--systems: cannot read ${path}: ${error.code}`);
    }
    let entries;
    try {
        entries = JSON.parse(text);
    }
    catch (error) {
        // The parser's message quotes the file around the error, and the file may hold a password.
        throw new Error(`--systems: ${path} is not valid JSON${whereInJson(text, error)}`);
    }
    if (!Array.isArray(entries) || entries.length === 0)
        throw new Error(`--systems: ${path} must hold a non-empty JSON array`);
    return entries.map((entry, index) => systemOf(entry, index + 1, env, defaults));
}
/**
 * Where a JSON syntax error is, as " (line L, column C)", from the position in the parser's
 * message; never any text of the file.
 */
function whereInJson(text, error) {
    const message = error instanceof Error ? error.message : '';
    if (/end of JSON input/.test(message))
        return ' (it ends too early)';
    const position = positionInJson(text, message);
    if (position === undefined)
        return '';
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return ` (line ${line}, column ${column})`;
}
/**
 * The offset of a JSON syntax error. Node 20 gives "at position N" for most errors, but for an
 * unexpected token only the 10 characters either side of it, so the offset is found from those.
 */
function positionInJson(text, message) {
    const at = /at position (\d+)/.exec(message);
    if (at)
        return Number(at[1]);
    const context = /^Unexpected token '[\s\S]{1,2}', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
    if (!context)
        return undefined;
    const [, cutBefore, excerpt, cutAfter] = context;
    if (cutBefore) {
        const start = text.indexOf(excerpt);
        return start === -1 ? undefined : start + 10;
    }
    return cutAfter ? excerpt.length - 10 : undefined;
}
function systemOf(entry, index, env, defaults) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        return {
            name: `system ${index}`,
            raw: {},
            entry: index,
            error: `entry ${index}: not an object`,
        };
    const fields = entry;
    const name = typeof fields.name === 'string' && fields.name !== '' ? fields.name : `system ${index}`;
    try {
        return { name, raw: { ...defaults, ...inputsOf(fields, env) }, entry: index };
    }
    catch (error) {
        const issuer = typeof fields.issuer === 'string' ? fields.issuer : undefined;
        return {
            name,
            raw: { issuer },
            entry: index,
            error: `entry ${index}, ${error.message}`,
        };
    }
}
/** An entry's inputs; throws naming the key when one is bad. */
function inputsOf(fields, env) {
    const raw = {};
    for (const [key, value] of Object.entries(fields)) {
        if (key === 'name')
            continue;
        const secret = SECRET_INPUTS.find((input) => key === `${input}-env`);
        if (SECRET_INPUTS.includes(key)) {
            throw new Error(`${key}: give it as ${key}-env, the name of an environment variable, not as a value`);
        }
        if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') {
            throw new Error(`${key}: must be a string`);
        }
        if (secret) {
            const variable = String(value);
            if (env[variable] === undefined)
                throw new Error(`${key}: environment variable ${variable} is not set`);
            raw[secret] = env[variable];
        }
        else if (INPUT_NAMES.includes(key)) {
            raw[key] = String(value);
        }
        else {
            throw new Error(`${JSON.stringify(key)}: not an input name`);
        }
    }
    return raw;
}
/** Keeps every Nth system, from the Kth: `shard` is "K/N", for a GitHub Actions matrix. */
function shardOf(items, shard) {
    if (shard === undefined)
        return items;
    const match = /^(\d+)\/(\d+)$/.exec(shard);
    const [k, n] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (!match || n < 1 || k < 1 || k > n)
        throw new Error(`--shard: must be K/N with 1 ≤ K ≤ N (got ${JSON.stringify(shard)})`);
    return items.filter((_, index) => index % n === k - 1);
}
/** Checks every system, at most `concurrency` at a time; outcomes keep the file's order. */
async function checkSystems(systems, concurrency, check = runCheck) {
    const outcomes = new Array(systems.length);
    let next = 0;
    const worker = async () => {
        while (next < systems.length) {
            const index = next++;
            outcomes[index] = await checkSystem(systems[index], check);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, systems.length) }, worker));
    return outcomes;
}
/** One system's outcome; whatever goes wrong stays with that system. */
async function checkSystem({ name, raw, error, entry }, check) {
    const issuer = raw.issuer;
    if (error)
        return { name, issuer, result: 'fail', error };
    try {
        const report = await check(parseConfig(raw));
        return { name, issuer: report.issuer, result: report.result, report };
    }
    catch (error) {
        if (error instanceof InputError) {
            const where = entry === undefined ? 'input' : `entry ${entry},`;
            return { name, issuer, result: 'fail', error: `${where} ${error.message}` };
        }
        return { name, issuer, result: 'fail', internal: asError(error) };
    }
}
function asError(error) {
    return error instanceof Error ? error : new Error(String(error));
}
/** One line per system, then the overall verdict. */
function renderSystems(outcomes) {
    const lines = outcomes.map(({ name, issuer, result, report, error, internal }) => {
        const mark = result === 'pass' ? '✔' : '✖';
        if (error)
            return `${mark} ${name}: not checked: ${error}`;
        if (internal)
            return `${mark} ${name} (${issuer}): internal error: ${internal.message}`;
        const failing = report?.checks.filter((check) => check.status === 'fail').map((check) => check.id) ?? [];
        const counts = `${plural(report?.failures ?? 0, 'failure')}, ${plural(report?.warnings ?? 0, 'warning')}`;
        return `${mark} ${name} (${issuer}): ${counts}${failing.length ? ` — ${failing.join(', ')}` : ''}`;
    });
    const failed = outcomes.filter((outcome) => outcome.result === 'fail').length;
    const verdict = failed === 0 ? 'PASS' : 'FAIL';
    return `${lines.join('\n')}\n\n${verdict}: ${failed} of ${plural(outcomes.length, 'system')} failed\n`;
}
/** The JSON report of a multi-system run: each system's report, and the overall result. */
function renderSystemsJson(outcomes) {
    const result = outcomes.every((outcome) => outcome.result === 'pass') ? 'pass' : 'fail';
    const systems = outcomes.map(({ name, issuer, result, report, error, internal }) => ({
        name,
        issuer,
        result,
        ...(report
            ? { report: JSON.parse(renderJson(report)) }
            : { error: error ?? `internal error: ${internal?.message}` }),
    }));
    return `${JSON.stringify({ tool: { ...TOOL }, result, systems }, null, 2)}\n`;
}

;// CONCATENATED MODULE: ./src/cli/usage.ts

/** The help, for `--help`, and for a run with no arguments at all. */
const USAGE = `Usage: openactive-auth-check --issuer URL [options]
       openactive-auth-check --systems FILE [options]

Checks an OpenActive booking system's OpenID Connect server the way a booking partner uses it.

Options:
  --issuer URL                 the OpenID Provider's issuer (required)
  --initial-access-token T     register a new client with this token (RFC 7591)
                               (or set OPENACTIVE_INITIAL_ACCESS_TOKEN)
  --client-id ID               use an existing client instead of registering
                               (or set OPENACTIVE_CLIENT_ID)
  --client-secret S            its secret (or set OPENACTIVE_CLIENT_SECRET)
  --orders-feed-url URL        read the Orders feed with the access token
  --scope S                    scope to request (default openactive-ordersfeed)
  --ca-certificate FILE|PEM    an extra certificate authority to trust
  --allow-insecure-http        allow http:// URLs on loopback (local testing)
  --strict                     RFC MUSTs partners tolerate (registration 201, secret
                               expiry, at+jwt typ, aud) fail instead of warn
  --fail-on failure|warning    what fails the run (default failure)
  --request-timeout SECONDS    per-request timeout, 1 to 300 (default 20)
  --seller-username U          a test seller's login: check the seller authorization
                               too (or set OPENACTIVE_SELLER_USERNAME)
  --seller-password P          its password (or set OPENACTIVE_SELLER_PASSWORD)
  --seller-id URL              the seller's @id the ID token must name
  --redirect-uri URL           redirect URI to authorize with (default a loopback one)
  --login-mode form|browser    browser: headless Chrome/Chromium (default form)
  --login-selectors TEXT       "username: CSS" lines (also password, submit, consent)
  --chrome-path FILE           Chrome or Chromium for --login-mode browser
  --run-timeout SECONDS        budget of the whole check, 1 to 3600 (default 120)
  --allow-endpoint-origins L   origins (comma-separated) endpoints may have on internal
                               addresses while the issuer is public (SSRF guard)
  --json FILE                  also write the JSON report to FILE
  --systems FILE               check every system a JSON file lists, instead of --issuer:
                               [{"name", "issuer", "orders-feed-url", ...,
                                 "initial-access-token-env": "VARIABLE", ...}]
                               the other options above apply to every system, unless
                               its entry gives that input; the ones that name a system
                               or hold its secrets belong in the file only
  --concurrency N              systems checked at once with --systems (default 8)
  --shard K/N                  with --systems, check only every Nth system from the Kth
  -h, --help                   show this help
  -v, --version                show the version

Exit status: 0 pass, 1 conformance failure, 2 bad usage, 3 internal error.
Prefer the environment variables for secrets: flags are visible in the process list.
`;
/** Follows a usage error instead of the whole help, so that the error stays in view. */
const HINT = 'Run with --help for usage.';
/**
 * The message for bad usage, in the command line's words. A stray argument is not echoed: it
 * may be a secret typed in the wrong place.
 */
function usageError(error) {
    const code = error.code;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
        return 'Unexpected argument: every value must follow its flag (is a value with a space unquoted?).';
    }
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        const option = /'(-{1,2}[\w-]{1,40})'/.exec(String(error.message))?.[1];
        return option ? `Unknown option '${option}'.` : 'Unknown option.';
    }
    if (error instanceof InputError)
        return inFlagNames(error.message);
    return error instanceof Error ? error.message : String(error);
}
/** Input names with a hyphen, longest first: none of them is also an everyday word. */
const HYPHENATED = INPUT_NAMES.filter((name) => name.includes('-')).sort((a, b) => b.length - a.length);
const MENTION = new RegExp(`(?<![\\w.@/-])(${HYPHENATED.join('|')})(?![\\w-]|\\.\\w)`, 'g');
/**
 * An {@link InputError} message, written for the action's inputs, with the inputs named as the
 * flags they are on the command line: `issuer: … set allow-insecure-http` becomes
 * `--issuer: … set --allow-insecure-http`. Quoted values, which echo what the user typed, are
 * left as they are.
 *
 * > [!NOTE]
 * > Only the leading input and hyphenated names are rewritten: `scope` and `issuer` are also
 * > words of the messages' prose.
 */
function inFlagNames(message) {
    const colon = message.indexOf(': ');
    const head = message.slice(0, colon);
    const named = colon > 0 && INPUT_NAMES.includes(head);
    const rest = named ? message.slice(colon) : message;
    const prose = rest
        .split(/("(?:[^"\\]|\\.)*")/)
        .map((part, index) => (index % 2 === 1 ? part : part.replace(MENTION, '--$1')))
        .join('');
    return named ? `--${head}${prose}` : prose;
}

;// CONCATENATED MODULE: ./src/cli/main.ts










const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 };
/**
 * The command-line tool: flags and environment → check → terminal report and exit status.
 * `check` is {@link runCheck}; a test passes one that throws, as a bug of ours would.
 */
async function main(argv, env, output, check = runCheck) {
    if (argv.length === 0) {
        output.err(USAGE);
        return EXIT.usage;
    }
    let run;
    try {
        const flags = parseFlags(argv);
        if (flags.help) {
            output.out(USAGE);
            return EXIT.pass;
        }
        if (flags.version) {
            output.out(`${TOOL.name} ${TOOL.version}\n`);
            return EXIT.pass;
        }
        await checkWritable(flags.json);
        run =
            flags.systems === undefined
                ? await prepareOne(flags, env, output, check)
                : await prepareMany(flags, env, output, check);
    }
    catch (error) {
        output.err(`${usageError(error)}\n\n${HINT}\n`);
        return EXIT.usage;
    }
    try {
        return await run();
    }
    catch (error) {
        output.err(`Internal error: ${stackOf(error)}\n`);
        return EXIT.internal;
    }
}
/** `--issuer URL`: validates the inputs, and gives the run that checks that one system. */
async function prepareOne(flags, env, output, check) {
    for (const name of ['concurrency', 'shard']) {
        if (flags[name] !== undefined)
            throw new Error(`--${name}: only with --systems FILE`);
    }
    const config = parseConfig(await rawInputs(flags, env));
    return async () => {
        const report = await check(config);
        output.out(renderTerminal(report));
        if (flags.json)
            await (0,promises_namespaceObject.writeFile)(flags.json, renderJson(report));
        return report.result === 'pass' ? EXIT.pass : EXIT.fail;
    };
}
/** Inputs that name one system or hold its secrets: with --systems, they go in its entry. */
const PER_SYSTEM = [
    'issuer',
    'orders-feed-url',
    'initial-access-token',
    'client-id',
    'client-secret',
    'seller-username',
    'seller-password',
    'seller-id',
];
/**
 * `--systems FILE`: reads the file, with the other flags as every system's defaults, and gives
 * the run that checks every system listed, a few at a time, with one verdict.
 */
async function prepareMany(flags, env, output, check) {
    const given = PER_SYSTEM.find((name) => flags[name] !== undefined);
    if (given)
        throw new Error(`--${given}: with --systems, give it in each system's entry instead`);
    const concurrency = flags.concurrency === undefined ? 8 : Number(flags.concurrency);
    if (!/^\d+$/.test(flags.concurrency ?? '8') || concurrency < 1 || concurrency > 64) {
        throw new Error(`--concurrency: must be a whole number from 1 to 64 (got ${JSON.stringify(flags.concurrency)})`);
    }
    const defaults = await defaultInputs(flags);
    const systems = shardOf(await readSystems(String(flags.systems), env, defaults), flags.shard);
    return async () => {
        const outcomes = await checkSystems(systems, concurrency, check);
        for (const { name, internal } of outcomes) {
            if (internal)
                output.err(`Internal error checking ${name}: ${stackOf(internal)}\n`);
        }
        output.out(renderSystems(outcomes));
        if (flags.json)
            await (0,promises_namespaceObject.writeFile)(flags.json, renderSystemsJson(outcomes));
        if (outcomes.some((outcome) => outcome.internal))
            return EXIT.internal;
        return outcomes.every((outcome) => outcome.result === 'pass') ? EXIT.pass : EXIT.fail;
    };
}
/**
 * The flags given with --systems, as inputs every entry starts from. They are checked here, so
 * that a mistyped flag is a usage error and not a failure of every system: the inputs that
 * belong to each entry are stand-ins for this check only.
 */
async function defaultInputs(flags) {
    const all = await rawInputs(flags, {});
    const defaults = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
    parseConfig({
        ...defaults,
        issuer: 'https://stand-in.invalid',
        'client-id': 'stand-in',
        'client-secret': 'stand-in',
        'seller-username': 'stand-in',
        'seller-password': 'stand-in',
    });
    return defaults;
}
function stackOf(error) {
    return error instanceof Error ? String(error.stack) : String(error);
}
/** Fails before the run, not after it, when the JSON report cannot be written. */
async function checkWritable(path) {
    if (path === undefined)
        return;
    if (path.trim() === '')
        throw new Error('--json: needs a file name');
    const info = await (0,promises_namespaceObject.stat)(path).catch(() => undefined);
    if (info?.isDirectory())
        throw new Error(`--json: ${path} is a directory`);
    const dir = await (0,promises_namespaceObject.stat)((0,external_node_path_namespaceObject.dirname)((0,external_node_path_namespaceObject.resolve)(path))).catch(() => undefined);
    if (!dir?.isDirectory())
        throw new Error(`--json: the folder of ${path} does not exist`);
}
function parseFlags(argv) {
    const { values } = (0,external_node_util_namespaceObject.parseArgs)({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            issuer: { type: 'string' },
            'initial-access-token': { type: 'string' },
            'client-id': { type: 'string' },
            'client-secret': { type: 'string' },
            'orders-feed-url': { type: 'string' },
            scope: { type: 'string' },
            'ca-certificate': { type: 'string' },
            'allow-insecure-http': { type: 'boolean' },
            strict: { type: 'boolean' },
            'fail-on': { type: 'string' },
            'request-timeout': { type: 'string' },
            'seller-username': { type: 'string' },
            'seller-password': { type: 'string' },
            'seller-id': { type: 'string' },
            'redirect-uri': { type: 'string' },
            'login-mode': { type: 'string' },
            'login-selectors': { type: 'string' },
            'chrome-path': { type: 'string' },
            'run-timeout': { type: 'string' },
            'allow-endpoint-origins': { type: 'string' },
            json: { type: 'string' },
            systems: { type: 'string' },
            concurrency: { type: 'string' },
            shard: { type: 'string' },
            help: { type: 'boolean', short: 'h' },
            version: { type: 'boolean', short: 'v' },
        },
    });
    return values;
}
async function rawInputs(flags, env) {
    return {
        issuer: flags.issuer,
        'initial-access-token': flags['initial-access-token'] ?? env.OPENACTIVE_INITIAL_ACCESS_TOKEN,
        'client-id': flags['client-id'] ?? env.OPENACTIVE_CLIENT_ID,
        'client-secret': flags['client-secret'] ?? env.OPENACTIVE_CLIENT_SECRET,
        'orders-feed-url': flags['orders-feed-url'],
        scope: flags.scope,
        'ca-certificate': await caCertificate(flags['ca-certificate']),
        'allow-insecure-http': flags['allow-insecure-http'] ? 'true' : undefined,
        strict: flags.strict ? 'true' : undefined,
        'fail-on': flags['fail-on'],
        'request-timeout': flags['request-timeout'],
        'seller-username': flags['seller-username'] ?? env.OPENACTIVE_SELLER_USERNAME,
        'seller-password': flags['seller-password'] ?? env.OPENACTIVE_SELLER_PASSWORD,
        'seller-id': flags['seller-id'],
        'redirect-uri': flags['redirect-uri'],
        'login-mode': flags['login-mode'],
        'login-selectors': flags['login-selectors'],
        'chrome-path': flags['chrome-path'],
        'run-timeout': flags['run-timeout'],
        'allow-endpoint-origins': flags['allow-endpoint-origins'],
    };
}
/** The flag takes PEM text, as the action input does, or the path of a PEM file. */
async function caCertificate(value) {
    if (value === undefined || value.includes('-----BEGIN'))
        return value;
    try {
        return await (0,promises_namespaceObject.readFile)(value, 'utf8');
    }
    catch (error) {
        throw new InputError('ca-certificate', `cannot read ${value}: ${error.code ?? error}`);
    }
}


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 584:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 16:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

//# sourceMappingURL=index.js.map