"""Spanish (es_PE) catalogue: English message id → what the clerk reads.

tests/test_i18n.py checks that every id used in pos/ has an entry here.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # money
    "Enter an amount, e.g. 20 or 20.50.": "Ingrese un monto, p. ej. 20 o 20.50.",
    "'{value}' is not an amount: use digits, e.g. 20 or 20.50.":
        "'{value}' no es un monto: use números, p. ej. 20 o 20.50.",
    "The amount is too large.": "El monto es demasiado grande.",
    "The amount must be more than zero.": "El monto debe ser mayor que cero.",
    "{operator} top-ups go from {min} to {max}.": "Las recargas {operator} van de {min} a {max}.",
    # phone
    "Enter the phone number: 9 digits starting with 9.":
        "Ingrese el número de celular: 9 dígitos que empiezan con 9.",
    "The phone number may only have digits, e.g. 987 654 321.":
        "El número de celular solo lleva dígitos, p. ej. 987 654 321.",
    "Only Peruvian numbers (+51) can be topped up.": "Solo se recargan números peruanos (+51).",
    "A mobile number has 9 digits and starts with 9 ({count} typed).":
        "Un celular tiene 9 dígitos y empieza con 9 (escribió {count}).",
    "{number} is not a valid Peruvian mobile number.":
        "{number} no es un celular peruano válido.",
    # identity
    "CE": "CE",
    "Passport": "Pasaporte",
    "Document type must be DNI, CE or passport.":
        "El tipo de documento debe ser DNI, CE o pasaporte.",
    "Enter the document number.": "Ingrese el número de documento.",
    "The document number may only have letters and digits.":
        "El número de documento solo lleva letras y dígitos.",
    "A DNI has 8 digits.": "El DNI tiene 8 dígitos.",
    "The DNI check digit does not match.": "El dígito de verificación del DNI no coincide.",
    "A carné de extranjería has 9 to 12 digits.":
        "El carné de extranjería tiene de 9 a 12 dígitos.",
    "A passport number has 6 to 12 letters or digits.":
        "El pasaporte tiene de 6 a 12 letras o dígitos.",
    "Write the document as TYPE:NUMBER, e.g. dni:12345678.":
        "Escriba el documento como TIPO:NÚMERO, p. ej. dni:12345678.",
    "This shop requires the customer's ID document.":
        "Esta tienda exige el documento de identidad del cliente.",
    # payment
    "Cash": "Efectivo",
    "Card": "Tarjeta",
    "Payment must be cash, card, Yape or Plin.": "El pago debe ser efectivo, tarjeta, Yape o Plin.",
    "Received {tendered} is less than the amount {amount}.":
        "Lo recibido ({tendered}) es menor que el monto ({amount}).",
    "Never type the full card number: only its last 4 digits.":
        "Nunca escriba el número completo de la tarjeta: solo sus últimos 4 dígitos.",
    "Choose the card brand.": "Elija la marca de la tarjeta.",
    "Card brand must be one of: {brands}.": "La marca de tarjeta debe ser una de: {brands}.",
    "Type only the last 4 digits of the card.": "Escriba solo los últimos 4 dígitos de la tarjeta.",
    "The last 4 digits of the card: exactly 4 digits.":
        "Últimos 4 dígitos de la tarjeta: exactamente 4 dígitos.",
    "The authorisation code has 4 to 12 letters or digits.":
        "El código de autorización tiene de 4 a 12 letras o dígitos.",
    "The operation number has 4 to 20 digits.": "El número de operación tiene de 4 a 20 dígitos.",
    # foundation: cli, ledger, services, receipts
    "Unexpected error ({kind}); details were written to {log}.":
        "Error inesperado ({kind}); los detalles se guardaron en {log}.",
    "Change: {change}": "Vuelto: {change}",
    "OK: {entries} entries and {events} events verified.":
        "OK: {entries} asientos y {events} eventos verificados.",
    "Configuration error: {error}": "Error de configuración: {error}",
    "Ledger check FAILED at {ticket}: {reason}":
        "La verificación del libro FALLÓ en {ticket}: {reason}",
    "Not a receipt file: {error}": "No es un archivo de tickets: {error}",
    "Receipt NOT printed ({error}); it waits in the print queue: pos reprint {ticket}":
        "Ticket NO impreso ({error}); espera en la cola de impresión: pos reprint {ticket}",
    "Verifying": "Verificando",
    "Receipt NOT printed ({error}); it waits in the print queue.":
        "Ticket NO impreso ({error}); espera en la cola de impresión.",
    "The print queue is empty.": "La cola de impresión está vacía.",
    "'{value}' is not a date: use YYYY-MM-DD.": "'{value}' no es una fecha: use AAAA-MM-DD.",
    "A mobile number starts with 9.": "Un número de celular empieza con 9.",
    "amount": "monto",
    "phone": "celular",
    "operator": "operador",
    "ID document": "documento",
    "document type": "tipo de documento",
    "document number": "número de documento",
    "payment": "pago",
    "received": "recibido",
    "card": "tarjeta",
    "card brand": "marca de tarjeta",
    "card last 4": "últimos 4 de la tarjeta",
    "authorisation code": "código de autorización",
    "operation number": "número de operación",
    "ticket": "ticket",
    "reason": "motivo",
    "name": "nombre",
    "role": "rol",
    "PIN": "PIN",
    "date": "fecha",
    "counted cash": "efectivo contado",
    "starting cash": "fondo inicial",
    "The ledger folder {folder} is read-only.":
        "La carpeta del libro {folder} es de solo lectura.",
    "The key file {path} is missing, but the ledger already has entries: "
    "restore the key file from your backup.":
        "Falta el archivo de clave {path}, pero el libro ya tiene asientos: "
        "restaure el archivo de clave desde su copia de respaldo.",
    "The ledger folder {folder} does not exist.": "La carpeta del libro {folder} no existe.",
    "The ledger {path} is not a file.": "El libro {path} no es un archivo.",
    "The ledger {path} is not a SQLite database (damaged?). It was left untouched.":
        "El libro {path} no es una base de datos SQLite (¿dañada?). No se modificó.",
    "The ledger {path} is read-only.": "El libro {path} es de solo lectura.",
    "The ledger cannot be opened: {reason}": "No se puede abrir el libro: {reason}",
    "The key file {path} is damaged (too short).":
        "El archivo de clave {path} está dañado (muy corto).",
    "The ledger {path} cannot be read: {reason}.": "No se puede leer el libro {path}: {reason}.",
    "The database holds other tables ({tables}); it is not a ledger of this program and was "
    "left untouched.":
        "La base de datos tiene otras tablas ({tables}); no es un libro de este programa y no "
        "se modificó.",
    "The key file {path} cannot be read or is damaged.":
        "No se puede leer el archivo de clave {path} o está dañado.",
    "Check code: {code}": "Código de control: {code}",
    "Ticket": "Ticket",
    "Date": "Fecha",
    "Clerk": "Cajero",
    "Paid with": "Pagó con",
    "TOP-UP": "RECARGA",
    "VOID": "ANULACIÓN",
    "Received": "Recibido",
    "Change": "Vuelto",
    "COPY": "COPIA",
    "Voids ticket": "Anula ticket",
    "Phone": "Celular",
    "Amount": "Monto",
    "Reason": "Motivo",
    "Authorisation": "Autorización",
    "Operation no.": "N.º de operación",
    "Operator": "Operador",
    "Customer ID": "Documento",
    "Refund with": "Devolución en",
    "'{value}' is not a ticket number (e.g. R001-00000042).":
        "'{value}' no es un número de ticket (p. ej. R001-00000042).",
    "The ledger is not open.": "El libro no está abierto.",
    "The name must have 1 to 40 letters.": "El nombre debe tener de 1 a 40 letras.",
    "The role must be clerk or manager.": "El rol debe ser clerk (cajero) o manager (encargado).",
    "The PIN has 4 to 8 digits.": "El PIN tiene de 4 a 8 dígitos.",
    "Wrong name or PIN.": "Nombre o PIN incorrecto.",
    "{name} is not a manager.": "{name} no es encargado.",
    "This shop does not take {method}.": "Esta tienda no acepta {method}.",
    "Write the reason for the void (3 letters or more).":
        "Escriba el motivo de la anulación (3 letras o más).",
    "The reason is too long (200 letters at most).":
        "El motivo es demasiado largo (200 letras como máximo).",
    "Ticket {ticket} does not exist.": "El ticket {ticket} no existe.",
    "The ledger refused the entry: {reason}": "El libro rechazó el asiento: {reason}",
    "The ledger is not reachable; nothing was saved ({reason}).":
        "No se puede acceder al libro; no se guardó nada ({reason}).",
    "There is already a clerk named {name}.": "Ya existe un cajero llamado {name}.",
    "No print job {job}.": "No existe el trabajo de impresión {job}.",
    "Ticket {ticket} is not a sale.": "El ticket {ticket} no es una venta.",
    "Ticket {ticket} was already voided by {void}.": "El ticket {ticket} ya fue anulado por {void}.",
    "This business day is already closed (Z).": "Este día ya fue cerrado (Z).",
    "Write the card as BRAND:LAST4:AUTH, e.g. visa:4242:123456.":
        "Escriba la tarjeta como MARCA:ÚLTIMOS4:AUTORIZACIÓN, p. ej. visa:4242:123456.",
    "Ticket {ticket} has no receipt to reprint.": "El ticket {ticket} no tiene comprobante para reimprimir.",
    # sale
    "Unknown operator '{value}': choose {choices}.":
        "Operador desconocido '{value}': elija {choices}.",
}
