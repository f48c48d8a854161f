// Generated from Templates/acube-openapi-subset.json (A-Cube's request schemas, from its OpenAPI file): edit the
// template, then copy it here byte for byte (AcubeRequestSchemasTests checks that the two never drift).

/// The A-Cube request schemas the simulator validates every body against, embedded so the binary never reads them
/// from disk.
enum AcubeOpenAPISubset {
    /// `Templates/acube-openapi-subset.json`, byte for byte.
    static let text: String = #"""
        {
         "openapi": "3.1.0",
         "info": {
          "title": "E-Receipt IT API (subset: request bodies Quadra sends)",
          "version": "1.0.0",
          "x-source": {
           "repository": "a-cube-io/ereceipts-js-sdk",
           "file": "OpenAPI Specification.json",
           "commit": "ca64f90f7de2365fb606204081f5a1c27a51e74e",
           "file_last_changed_in": "0b000388dda3221e37e485e083274f76acf18874 (Release 20260112, 2026-01-26)",
           "sha256": "a47448a469b10b3ba7a3e81f3b1d77f153bde6bb90839fd2dae1a106e23811e6"
          }
         },
         "servers": [
          {
           "url": "https://ereceipts-it-sandbox.acubeapi.com",
           "description": "Sandbox environment"
          },
          {
           "url": "https://ereceipts-it.acubeapi.com",
           "description": "Production environment"
          }
         ],
         "paths": {
          "/mf2/point-of-sales/{serial_number}/upload-emergency-report": {
           "post": {
            "operationId": "api_point-of-sales_serial_numberupload-emergency-report_post",
            "summary": "Uploads a new emergency report.",
            "parameters": [
             {
              "name": "serial_number",
              "in": "path",
              "description": "The serial number of the Point of Sale",
              "required": true,
              "deprecated": false,
              "schema": {
               "type": "string"
              },
              "style": "simple",
              "explode": false
             }
            ],
            "requestBody": {
             "description": "The new Pem resource",
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/A-Cube_GOV-IT_PEL_Platform_Pem.EmergencyReportInput"
               }
              }
             },
             "required": true
            }
           }
          },
          "/mf1/point-of-sales/{serial_number}/communicate-offline": {
           "post": {
            "operationId": "post_offline_mf1_point_of_sales__serial_number__communicate_offline_post",
            "summary": "Create an Offline Communication",
            "parameters": [
             {
              "name": "serial_number",
              "in": "path",
              "required": true,
              "schema": {
               "type": "string",
               "description": "The Point of Sale serial number",
               "title": "Serial Number"
              },
              "description": "The Point of Sale serial number"
             }
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/E-Receipt_IT_API_PEMStatusOfflineRequest"
               }
              }
             }
            }
           }
          },
          "/mf1/point-of-sales/{serial_number}/close": {
           "post": {
            "operationId": "close_journal_mf1_point_of_sales__serial_number__close_post",
            "summary": "Close a Journal",
            "parameters": [
             {
              "name": "serial_number",
              "in": "path",
              "required": true,
              "schema": {
               "type": "string",
               "description": "The Point of Sale's serial number",
               "title": "Serial Number"
              },
              "description": "The Point of Sale's serial number"
             }
            ],
            "x-no-request-body": true
           }
          }
         },
         "components": {
          "schemas": {
           "A-Cube_GOV-IT_PEL_Platform_DailyReportEntry": {
            "type": "object",
            "properties": {
             "vat_rate_code": {
              "anyOf": [
               {
                "type": "string",
                "enum": [
                 "N1",
                 "N2",
                 "N3",
                 "N4",
                 "N5",
                 "N6"
                ]
               },
               {
                "type": "string",
                "enum": [
                 "4.00",
                 "5.00",
                 "10.00",
                 "22.00",
                 "2.00",
                 "6.40",
                 "7.00",
                 "7.30",
                 "7.50",
                 "7.65",
                 "7.95",
                 "8.30",
                 "8.50",
                 "8.80",
                 "9.50",
                 "12.30"
                ]
               },
               {
                "type": "null"
               }
              ]
             },
             "vat_amount": {
              "type": [
               "string",
               "null"
              ]
             },
             "simplified_vat_allocation": {
              "type": "boolean"
             },
             "partial_amount": {
              "type": "string"
             },
             "total_returned_amount": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_voided_amount": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_prepaid_or_voucher_amount": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_uncollected_services": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_uncollected_invoiced": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_uncollected_dcr_to_ssn": {
              "type": [
               "string",
               "null"
              ]
             },
             "total_uncollected_complimentary": {
              "type": [
               "string",
               "null"
              ]
             },
             "ateco_code": {
              "type": [
               "string",
               "null"
              ]
             }
            },
            "required": [
             "partial_amount"
            ]
           },
           "A-Cube_GOV-IT_PEL_Platform_Pem.EmergencyReportInput": {
            "type": "object",
            "required": [
             "datetime"
            ],
            "properties": {
             "datetime": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "documents_count": {
              "minimum": 0,
              "exclusiveMinimum": 0,
              "type": "integer"
             },
             "cash_payment_amount": {
              "type": "string"
             },
             "electronic_payment_amount": {
              "type": "string"
             },
             "ticket_restaurant_payment_amount": {
              "type": "string"
             },
             "ticket_restaurant_quantity": {
              "type": "integer"
             },
             "entries": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/A-Cube_GOV-IT_PEL_Platform_DailyReportEntry"
              }
             }
            }
           },
           "E-Receipt_IT_API_PEMStatusOfflineRequest": {
            "properties": {
             "timestamp": {
              "type": "string",
              "format": "date-time",
              "title": "Timestamp"
             },
             "reason": {
              "type": "string",
              "title": "Reason"
             }
            },
            "type": "object",
            "required": [
             "timestamp",
             "reason"
            ],
            "title": "PEMStatusOfflineRequest"
           }
          }
         },
         "x-all-operations": [
          "DELETE /mf1/cashiers/{cashier_id}",
          "DELETE /mf1/receipts",
          "DELETE /mf1/receipts/void-via-different-device",
          "DELETE /mf1/receipts/void-with-proof",
          "GET /mf1/cash-registers",
          "GET /mf1/cash-registers/{id}",
          "GET /mf1/cashiers",
          "GET /mf1/cashiers/me",
          "GET /mf1/cashiers/{cashier_id}",
          "GET /mf1/point-of-sales",
          "GET /mf1/point-of-sales/{serial_number}",
          "GET /mf1/point-of-sales/{serial_number}/receipts",
          "GET /mf1/receipts/{receipt_uuid}",
          "GET /mf1/receipts/{receipt_uuid}/details",
          "GET /mf1/receipts/{receipt_uuid}/returnable-items",
          "GET /mf2/merchants",
          "GET /mf2/merchants/{merchant_uuid}/point-of-sales",
          "GET /mf2/merchants/{uuid}",
          "GET /mf2/point-of-sales/{serial_number}",
          "GET /mf2/point-of-sales/{serial_number}/emergency-reports",
          "GET /mf2/point-of-sales/{serial_number}/emergency-reports/{id}",
          "PATCH /mf1/cash-registers/{id}",
          "POST /mf1/cash-registers",
          "POST /mf1/cashiers",
          "POST /mf1/point-of-sales/{serial_number}/activation",
          "POST /mf1/point-of-sales/{serial_number}/close",
          "POST /mf1/point-of-sales/{serial_number}/communicate-offline",
          "POST /mf1/point-of-sales/{serial_number}/inactivity",
          "POST /mf1/receipts",
          "POST /mf1/receipts/return",
          "POST /mf1/receipts/return-via-different-device",
          "POST /mf1/receipts/return-with-proof",
          "POST /mf2/merchants",
          "POST /mf2/point-of-sales",
          "POST /mf2/point-of-sales/{serial_number}/upload-emergency-report",
          "PUT /mf2/merchants/{uuid}"
         ],
         "x-quadra-routes": [
          {
           "match": "^/mf2/(pems|point-of-sales)/[^/]+/upload-emergency-report$",
           "operation": "POST /mf2/point-of-sales/{serial_number}/upload-emergency-report"
          },
          {
           "match": "^/mf1/(pems|point-of-sales)/[^/]+/emergency-report$",
           "operation": "POST /mf2/point-of-sales/{serial_number}/upload-emergency-report",
           "assumed": "MF1 emergency-report is in no spec or SDK version; validated against the MF2 EmergencyReportInput (apis.md 'decided: same body')"
          },
          {
           "match": "^/mf1/(pems|point-of-sales)/[^/]+/communicate-offline$",
           "operation": "POST /mf1/point-of-sales/{serial_number}/communicate-offline"
          },
          {
           "match": "^/mf1/(pems|point-of-sales)/[^/]+/offline-period$",
           "operation": "POST /mf1/point-of-sales/{serial_number}/communicate-offline",
           "not_in_spec": "the spec (Jan 2026) and SDK v2.0.8 (Feb 2026) only have .../communicate-offline {timestamp, reason}; its body is validated against that schema"
          },
          {
           "match": "^/mf1/(pems|point-of-sales)/[^/]+/close$",
           "operation": "POST /mf1/point-of-sales/{serial_number}/close"
          }
         ]
        }
        """#
}
