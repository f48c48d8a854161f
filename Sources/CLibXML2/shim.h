#ifndef QUADRA_CLIBXML2_SHIM_H
#define QUADRA_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// ICU's UErrorCode clashes with Foundation's in debug builds of any module importing both: Quadra never
// needs libxml2's ICU support, so hide it before the other headers see it.
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/xmlwriter.h>

/// Frees memory libxml2 allocated. `xmlFree` is a global function pointer that Swift 6 refuses as not
/// concurrency-safe, so Swift calls this wrapper instead.
static inline void quadra_xmlFree(void *pointer) {
    xmlFree(pointer);
}

/// A generic error handler that drops the message. A few of libxml2's errors bypass every structured handler and go
/// straight to the generic one ("xmlParseChunk: encoder error"), whose default prints on standard error; the reader
/// reports the same problem through its structured errors. The handler is variadic, which Swift cannot define.
static inline void quadra_xmlIgnoreGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Makes this thread's generic error handler drop messages (`silence` non-zero) or print them again (libxml2's
/// default).
static inline void quadra_xmlSilenceGenericErrors(int silence) {
    xmlSetGenericErrorFunc(NULL, silence ? quadra_xmlIgnoreGenericError : NULL);
}

#endif
