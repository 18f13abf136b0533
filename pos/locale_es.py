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
    "The request id has 1 to 64 letters, digits, '.', '_', ':' or '-'.":
        "El id de solicitud tiene de 1 a 64 letras, dígitos, '.', '_', ':' o '-'.",
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
    "Ticket {ticket} has no receipt to reprint.":
        "El ticket {ticket} no tiene comprobante para reimprimir.",
    "format": "formato",
    "output file": "archivo de salida",
    "request id": "id de solicitud",
    "entry {missing} is missing before it": "falta el asiento {missing} antes de este",
    "sequence out of order": "secuencia fuera de orden",
    "{what} (expected #{seq}, found #{found})": "{what} (se esperaba #{seq}, se halló #{found})",
    "ticket number {ticket} does not match its sequence":
        "el número de ticket {ticket} no corresponde a su secuencia",
    "previous-hash link broken (an entry was changed, removed or reordered)":
        "enlace con el hash anterior roto (un asiento fue cambiado, borrado o reordenado)",
    "contents do not match the entry's signature (edited or forged)":
        "el contenido no coincide con la firma del asiento (editado o falsificado)",
    "the head record beside the key file is damaged or forged ({reason})":
        "el registro de cabeza junto al archivo de clave está dañado o falsificado ({reason})",
    "entries up to {ticket} were recorded but the ledger ends before it (newest entries deleted)":
        "se registraron asientos hasta {ticket} pero el libro termina antes "
        "(se borraron los últimos asientos)",
    "this entry differs from the head recorded when it was written (rewritten chain)":
        "este asiento difiere de la cabeza registrada al escribirlo (cadena reescrita)",
    "Unknown printer profile '{profile}': fix [printer] profile in config.toml.":
        "Perfil de impresora desconocido '{profile}': corrija [printer] profile en config.toml.",
    "the printer's file or device cannot be written":
        "no se puede escribir en el archivo o dispositivo de la impresora",
    "the printer is not connected (device not found)":
        "la impresora no está conectada (no se encuentra el dispositivo)",
    "the network printer refused the connection (off or wrong address?)":
        "la impresora de red rechazó la conexión (¿apagada o dirección equivocada?)",
    "the printer did not answer in time (off, out of paper or busy?)":
        "la impresora no respondió a tiempo (¿apagada, sin papel u ocupada?)",
    "the printer was disconnected while printing": "la impresora se desconectó al imprimir",
    "the network printer cannot be reached (check the cable or Wi-Fi)":
        "no se llega a la impresora de red (revise el cable o el Wi-Fi)",
    "printer fault ({reason})": "falla de impresora ({reason})",
    "The ledger did not confirm the save ({reason}): look it up in the history before doing "
    "it again.":
        "El libro no confirmó el guardado ({reason}): búsquelo en el historial antes de "
        "volver a hacerlo.",
    "printed": "impreso",
    "failed: {error}": "falló: {error}",
    # config.toml reasons
    "not a valid RUC (11 digits with a correct check digit)":
        "no es un RUC válido (11 dígitos con dígito verificador correcto)",
    "unknown time zone, e.g. America/Lima": "zona horaria desconocida, p. ej. America/Lima",
    "use sqlite:///FILE or postgresql+psycopg://user@host/db":
        "use sqlite:///ARCHIVO o postgresql+psycopg://usuario@servidor/base",
    "min is larger than max": "min es mayor que max",
    "at most 9 presets": "como máximo 9 montos predefinidos",
    "at least one payment method": "al menos un medio de pago",
    "at least one operator": "al menos un operador",
    "two operators share the same key": "dos operadores tienen la misma tecla",
    "{value} has more than 2 decimals": "{value} tiene más de 2 decimales",
    "preset {preset} is outside min..max": "el monto {preset} está fuera de min..max",
    "unknown key (check the spelling)": "clave desconocida (revise cómo está escrita)",
    "required key is missing": "falta una clave obligatoria",
    "must be a whole number": "debe ser un número entero",
    "must be a number": "debe ser un número",
    "must be true or false": "debe ser true o false",
    "must be text in quotes": "debe ser texto entre comillas",
    "must be a list, e.g. [1, 2]": "debe ser una lista, p. ej. [1, 2]",
    "must be a section": "debe ser una sección",
    "must be one of: {expected}": "debe ser uno de: {expected}",
    "has the wrong form (expected pattern {pattern})":
        "no tiene la forma correcta (patrón esperado {pattern})",
    "must not be empty": "no puede estar vacío",
    "is too long (at most {max_length} characters)":
        "es demasiado largo (como máximo {max_length} caracteres)",
    "must be more than {gt}": "debe ser mayor que {gt}",
    "must be at least {ge}": "debe ser al menos {ge}",
    "must be less than {lt}": "debe ser menor que {lt}",
    "must be at most {le}": "debe ser como máximo {le}",
    "A PostgreSQL ledger needs the psycopg driver: pip install 'recarga-pos[postgres]'.":
        "Un libro en PostgreSQL necesita el controlador psycopg: "
        "pip install 'recarga-pos[postgres]'.",
    # sale
    "Unknown operator '{value}': choose {choices}.":
        "Operador desconocido '{value}': elija {choices}.",
    "The ledger was written by another version of this program (schema {revision}); it was "
    "left untouched.":
        "El libro fue escrito por otra versión de este programa (esquema {revision}); "
        "no se modificó.",
    # day close (#5): shifts, X/Z reports, export — pos/dayclose.py, pos/report_layout.py,
    # pos/ledger/export.py and the day-close block of pos/cli.py
    "X REPORT": "REPORTE X",
    "Z REPORT": "REPORTE Z",
    "SHIFT OPEN": "APERTURA DE TURNO",
    "SHIFT CLOSE": "CIERRE DE TURNO",
    "Business date": "Fecha contable",
    "Printed": "Impreso",
    "Terminal": "Terminal",
    "all terminals": "todas las terminales",
    "Z number": "Número de Z",
    "Totals": "Totales",
    "Sales ({count})": "Ventas ({count})",
    "Voids ({count})": "Anulaciones ({count})",
    "Sales made": "Ventas realizadas",
    "Day total": "Total del día",
    "Grand total": "Gran total acumulado",
    "By terminal": "Por terminal",
    "By operator": "Por operador",
    "By payment method": "Por medio de pago",
    "By clerk": "Por cajero",
    "Cash drawer": "Caja",
    "Starting cash": "Fondo inicial",
    "Cash received": "Efectivo recibido",
    "Change given": "Vuelto entregado",
    "Cash voids": "Devoluciones en efectivo",
    "Expected cash": "Efectivo esperado",
    "Counted cash": "Efectivo contado",
    "Difference": "Diferencia",
    "Chain head: {head}": "Cadena: {head}",
    "Shift opened": "Turno abierto",
    "The starting cash cannot be negative.": "El fondo inicial no puede ser negativo.",
    "The counted cash cannot be negative.": "El efectivo contado no puede ser negativo.",
    "Shift {ticket} of {clerk} is still open: close it first.":
        "El turno {ticket} de {clerk} sigue abierto: ciérrelo primero.",
    "Shift {ticket} of {clerk} is still open: close it before the Z.":
        "El turno {ticket} de {clerk} sigue abierto: ciérrelo antes del Z.",
    "No shift is open on this terminal.": "No hay un turno abierto en esta terminal.",
    "Business day {date} has no entries yet: today is already closed.":
        "El día {date} aún no tiene movimientos: hoy ya fue cerrado.",
    "The export format must be csv, json or xlsx.":
        "El formato de exportación debe ser csv, json o xlsx.",
    "The first date is after the last one.": "La fecha inicial es posterior a la final.",
    "The folder {folder} does not exist.": "La carpeta {folder} no existe.",
    "Cannot write {path}: {reason}.": "No se puede escribir {path}: {reason}.",
    "XLSX export needs openpyxl: pip install 'recarga-pos[xlsx]'.":
        "La exportación XLSX necesita openpyxl: pip install 'recarga-pos[xlsx]'.",
    "Report NOT printed ({error}); it waits in the print queue.":
        "Reporte NO impreso ({error}); espera en la cola de impresión.",
    "Exporting": "Exportando",
    "{count} entries written to {path}.": "{count} movimientos escritos en {path}.",
    # end of day close (#5)
    # tui (#4): the terminal app's screens, keys and palette — owned by pos/tui/
    'Unexpected error ({kind}): {error}': 'Error inesperado ({kind}): {error}',
    'No sale yet in this session.': 'Todavía no hay ventas en esta sesión.',
    'Theme': 'Tema',
    'Light or dark colours': 'Colores claros u oscuros',
    'Keys': 'Teclas',
    'Show the keys of this screen': 'Mostrar las teclas de esta pantalla',
    'Quit': 'Salir',
    'Close the app (Ctrl+Q)': 'Cerrar el programa (Ctrl+Q)',
    'Receipt {ticket} printed.': 'Ticket {ticket} impreso.',
    'Printer fault: {error}. The receipt waits in the print queue.':
        'Falla de impresora: {error}. El ticket espera en la cola de impresión.',
    'New sale': 'Nueva venta',
    'Start a new top-up (Ctrl+N)': 'Empezar una recarga nueva (Ctrl+N)',
    'History': 'Historial',
    "Today's sales, search, reprint, void (Ctrl+T)":
        'Ventas de hoy, buscar, reimprimir, anular (Ctrl+T)',
    'Shift/day': 'Turno/día',
    'Shift, X report, cash count, Z close (Ctrl+K)':
        'Turno, reporte X, arqueo de caja, cierre Z (Ctrl+K)',
    'Open shift': 'Abrir turno',
    'Start a shift with the starting cash': 'Empezar un turno con el fondo de caja',
    'X report': 'Reporte X',
    'Mid-day report, does not close': 'Reporte del día hasta ahora, no cierra',
    'Close shift': 'Cerrar turno',
    'Count the cash and close the shift': 'Contar el efectivo y cerrar el turno',
    'Z close': 'Cierre Z',
    'Close the business day (manager)': 'Cerrar el día (encargado)',
    'Reprint last receipt': 'Reimprimir el último ticket',
    "A copy of this session's last sale": 'Una copia de la última venta de esta sesión',
    'Lock': 'Bloquear',
    'Lock the screen until a PIN is typed (Ctrl+L)':
        'Bloquear la pantalla hasta que se escriba un PIN (Ctrl+L)',
    'Next': 'Seguir',
    'Back': 'Atrás',
    'Confirm sale': 'Confirmar venta',
    'Next sale': 'Otra venta',  # short: the receipt footer fits 80 columns
    'Reprint': 'Reimprimir',
    'Today': 'Hoy',
    'List': 'Lista',
    'Void': 'Anular',
    'Cancel': 'Cancelar',
    'Choose': 'Elegir',
    'Sale': 'Venta',
    'Document': 'Documento',
    '9 digits, starts with 9': '9 dígitos, empieza con 9',
    'Payment': 'Pago',
    'Enter: exact cash': 'Enter: monto exacto',
    'Last 4': 'Últimos 4',
    'Auth. code': 'Cód. autoriz.',
    'exact': 'exacto',
    '(short)': '(falta)',
    'Op. no.': 'N.º oper.',
    'Auth.': 'Autoriz.',
    'Saving the sale…': 'Guardando la venta…',
    'Confirm the top-up — read the number to the customer':
        'Confirme la recarga: lea el número al cliente',
    'Enter: confirm and print · Esc: correct': 'Enter: confirmar e imprimir · Esc: corregir',
    'Receipt': 'Ticket',
    'Sale {ticket} saved.': 'Venta {ticket} guardada.',
    'No preview: {error}': 'Sin vista previa: {error}',
    'Receipt not printed yet: R prints it.': 'Ticket aún no impreso: R lo imprime.',
    'The sale is saved. The receipt waits in the print queue: R reprints.':
        'La venta está guardada. El ticket espera en la cola de impresión: R reimprime.',
    'PRINTER FAULT: {error}': 'FALLA DE IMPRESORA: {error}',
    'Printing…': 'Imprimiendo…',
    'Printed {ticket}.': 'Impreso {ticket}.',
    'The receipt waits in the print queue.': 'El ticket espera en la cola de impresión.',
    'voided by {ticket}': 'anulado por {ticket}',
    'voids {ticket}': 'anula {ticket}',
    'Voided by {ticket}.': 'Anulado por {ticket}.',
    'Time': 'Hora',
    'Status': 'Estado',
    "Today's sales": 'Ventas de hoy',
    'Void {ticket}': 'Anular {ticket}',
    'R: reprint · Esc: back': 'R: reimprimir · Esc: atrás',
    'R: reprint · V: void · Esc: back': 'R: reimprimir · V: anular · Esc: atrás',
    'Ticket {ticket}': 'Ticket {ticket}',
    'Phone {phone}': 'Celular {phone}',
    'A void is a new entry that reverses this sale; the sale stays in the ledger.':
        'Una anulación es un movimiento nuevo que revierte esta venta; la venta queda en el registro.',
    'Ticket (or scan it) or phone, then Enter': 'Ticket (o escanéelo) o celular, y Enter',
    '{count} tickets': '{count} tickets',
    'nothing found.': 'no se encontró nada.',
    'Manager': 'Encargado',
    'Manager PIN': 'PIN del encargado',
    'Shifts and day close are not available in this version.':
        'Los turnos y el cierre del día no están disponibles en esta versión.',
    'No open shift.': 'No hay turno abierto.',
    'O opens one with the starting cash.': 'O abre uno con el fondo de caja.',
    'Shift {ticket} open: {clerk} since {time}, starting cash {amount}.':
        'Turno {ticket} abierto: {clerk} desde las {time}, fondo de caja {amount}.',
    'X report (the day stays open).': 'Reporte X (el día sigue abierto).',
    'Shift closed: {ticket}': 'Turno cerrado: {ticket}',
    'Shift closed.': 'Turno cerrado.',
    'Day closed (Z).': 'Día cerrado (Z).',
    'Z close: close the business day': 'Cierre Z: cerrar el día',
    'The slip waits in the print queue.': 'El reporte espera en la cola de impresión.',
    'Shift {ticket} opened.': 'Turno {ticket} abierto.',
    'After the Z no sale can be added to this business day.':
        'Después del Z no se puede agregar ninguna venta a este día.',
    'Starting cash (S/)': 'Fondo de caja (S/)',
    'Counted': 'Contado',
    'Sales': 'Ventas',
    'Counted cash in the drawer (S/)': 'Efectivo contado en la caja (S/)',
    'Counted cash (S/, empty: no count)': 'Efectivo contado (S/, vacío: sin arqueo)',
    'First run': 'Primer uso',
    'The two PINs are different; type them again.':
        'Los dos PIN no coinciden; escríbalos otra vez.',
    'Welcome! The ledger is new: create the first manager.':
        '¡Bienvenido! El registro es nuevo: cree el primer encargado.',
    "Manager's name": 'Nombre del encargado',
    'PIN (4 to 8 digits)': 'PIN (4 a 8 dígitos)',
    'PIN again': 'PIN otra vez',
    'Enter moves to the next box.': 'Enter pasa a la siguiente casilla.',
    'Choose your name (↑↓, Enter), then type your PIN.':
        'Elija su nombre (↑↓, Enter) y escriba su PIN.',
    'Checking…': 'Verificando…',
    'Ctrl+Q quits.': 'Ctrl+Q sale.',
    'Locked': 'Bloqueado',
    'Login': 'Ingreso',
    'Opening the ledger…': 'Abriendo el registro…',
    'The ledger could not be opened: {error}': 'No se pudo abrir el registro: {error}',
    'Screen locked. Type a PIN to continue.': 'Pantalla bloqueada. Escriba un PIN para seguir.',
    'Who is selling?': '¿Quién vende?',
    '4 to 8 digits': '4 a 8 dígitos',
    'manager': 'encargado',
    'Working…': 'Procesando…',
    'Enter: next / accept · Esc: cancel': 'Enter: siguiente / aceptar · Esc: cancelar',
    'Clerk: {name}': 'Cajero: {name}',
    'New': 'Nueva',
    'Till': 'Caja',
    'Menu': 'Menú',
    'See receipt': 'Ver ticket',
    'P: see receipt · R: reprint · V: void · Esc: back':
        'P: ver ticket · R: reimprimir · V: anular · Esc: atrás',
    'P: see receipt · R: reprint · Esc: back': 'P: ver ticket · R: reimprimir · Esc: atrás',
    'On screen only: R prints a copy.': 'Solo en pantalla: R imprime una copia.',
    # end of tui (#4)
    # -- shifts, cash movements, periods and the clock (#9)
    'Clock confirmed: {when}': 'Reloj confirmado: {when}',
    'PIN of {name}': 'PIN de {name}',
    'Count the cash in the drawer.': 'Cuente el efectivo de la caja.',
    "manager: give the manager's PIN in POS_MANAGER_PIN (no terminal to ask on).":
        'encargado: dé el PIN del encargado en POS_MANAGER_PIN (no hay terminal donde '
        'preguntarlo).',
    'The clock agrees with the ledger.': 'El reloj concuerda con el registro.',
    'surplus': 'sobrante',
    'shortage': 'faltante',
    'balanced': 'cuadra',
    'Write the reason (3 letters or more).': 'Escriba el motivo (3 letras o más).',
    'No shift is open on this terminal: open one first (pos shift open, or Ctrl+K in the app) '
    'before {what}.':
        'No hay un turno abierto en este terminal: abra uno (pos shift open, o Ctrl+K en la '
        'aplicación) antes de {what}.',
    'counting the drawer': 'contar la caja',
    'moving cash': 'mover efectivo',
    'selling': 'vender',
    'refunding cash': 'devolver efectivo',
    'The total does not match the count by denomination ({total}).':
        'El total no coincide con el conteo por denominación ({total}).',
    'The drawer has a {result} of {amount}, more than the {tolerance} allowed: a manager must '
    'accept it with their PIN.':
        'La caja tiene un {result} de {amount}, más de los {tolerance} permitidos: un '
        'encargado debe aceptarlo con su PIN.',
    'Shift {ticket} of {clerk} is still open: close it before the Z, or give the count to '
    'close it with.':
        'El turno {ticket} de {clerk} sigue abierto: ciérrelo antes del Z, o dé el conteo '
        'para cerrarlo.',
    'No shift is open: the drawer was counted when each shift closed. Take the Z without a '
    'count.':
        'No hay turno abierto: la caja se contó al cerrar cada turno. Saque el Z sin conteo.',
    'A shift was opened meanwhile: close it before the Z.':
        'Se abrió un turno mientras tanto: ciérrelo antes del Z.',
    'Nothing to close: no entry since the last Z.':
        'Nada que cerrar: no hay movimientos desde el último Z.',
    'The drawer should hold only {amount}: a larger pay-out is refused.':
        'La caja debería tener solo {amount}: no se acepta un retiro mayor.',
    'Write the count as DENOMINATION:PIECES, e.g. 100:2,10:3,0.50:4.':
        'Escriba el conteo como DENOMINACIÓN:PIEZAS, p. ej. 100:2,10:3,0.50:4.',
    'Amounts have at most two decimals.': 'Los montos tienen como máximo dos decimales.',
    "'{value}' is not a Peruvian note or coin (200, 100, 50, 20, 10, 5, 2, 1, 0.50, 0.20, "
    "0.10).":
        "'{value}' no es un billete ni una moneda del Perú (200, 100, 50, 20, 10, 5, 2, 1, "
        "0.50, 0.20, 0.10).",
    "'{value}' is not a number of pieces.": "'{value}' no es un número de piezas.",
    'shift': 'turno',
    'count by denomination': 'conteo por denominación',
    'clock': 'reloj',
    "The clock reads {now} but this terminal's newest entry is of {newest}: {what}. Fix the "
    "PC's date and time, or a manager confirms the date (pos clock confirm).":
        'El reloj marca {now} pero el último movimiento de este terminal es del {newest}: '
        '{what}. Corrija la fecha y hora de la PC, o que un encargado confirme la fecha '
        '(pos clock confirm).',
    'the clock is far ahead': 'el reloj está muy adelantado',
    'the clock is behind': 'el reloj está atrasado',
    'Drawer balances': 'Caja cuadrada',
    'Surplus (counted more)': 'Sobrante (hay de más)',
    'Shortage (counted less)': 'Faltante (hay de menos)',
    'DAY SUMMARY': 'RESUMEN DEL DÍA',
    'SHOP DAY SUMMARY': 'RESUMEN DEL DÍA (TIENDA)',
    'Shift': 'Turno',
    'Pay-outs': 'Retiros',
    'Pay-ins': 'Ingresos',
    'Accepted by': 'Aceptado por',
    'Period': 'Periodo',
    'From': 'Desde',
    'To': 'Hasta',
    'Shifts': 'Turnos',
    'Authorised by': 'Autorizado por',
    'CASH PAY-OUT': 'RETIRO DE CAJA',
    'CASH PAY-IN': 'INGRESO A CAJA',
    'Signature: ____________________': 'Firma: ____________________',
    'Count by denomination': 'Conteo por denominación',
    'The clock agrees with the ledger: nothing to confirm.':
        'El reloj concuerda con el registro: nada que confirmar.',
    'This period is already closed (Z).': 'Este periodo ya fue cerrado (Z).',
    # end of #9
    'Pay-out': 'Retiro',
    'Pay-in': 'Ingreso',
    'Count the drawer before you see what it should hold.':
        'Cuente la caja antes de ver cuánto debería haber.',
    'The drawer should hold {amount}.': 'La caja debería tener {amount}.',
    "A difference over {tolerance} needs a manager's name and PIN.":
        'Una diferencia mayor a {tolerance} necesita nombre y PIN de un encargado.',
    'Or by denomination, e.g. 100:1,20:3,0.50:4': 'O por denominación, p. ej. 100:1,20:3,0.50:4',
    'Manager (only for a large difference)': 'Encargado (solo si la diferencia es grande)',
    '{ticket}: {amount} ({reason}).': '{ticket}: {amount} ({reason}).',
    'Amount (S/)': 'Monto (S/)',
    'Pay-out: cash taken from the drawer': 'Retiro: efectivo que sale de la caja',
    'Pay-in: cash put into the drawer': 'Ingreso: efectivo que entra a la caja',
    'Counted cash, only if a shift is still open (S/)':
        'Efectivo contado, solo si un turno sigue abierto (S/)',
    'The Z closes everything since the last Z; later sales start a new period.':
        'El Z cierra todo desde el último Z; las ventas siguientes abren un nuevo periodo.',
    'X report (the period stays open).': 'Reporte X (el periodo sigue abierto).',
    'Period closed (Z {number}).': 'Periodo cerrado (Z {number}).',
    'Z close: close the period': 'Cierre Z: cerrar el periodo',
    'Check the date and time': 'Revise la fecha y la hora',
    'No shift is open on this terminal: sales need one. Count the starting cash in the drawer '
    '(Esc: not now).':
        'No hay turno abierto en este terminal: para vender hace falta uno. Cuente el efectivo '
        'inicial de la caja (Esc: ahora no).',
    # end of #9 (app)
    'R: pay-out · I: pay-in.': 'R: retiro · I: ingreso.',
    'Cash taken from the drawer (manager)': 'Efectivo que sale de la caja (encargado)',
    'Cash put into the drawer': 'Efectivo que entra a la caja',
    'Close the period since the last Z (manager)': 'Cerrar el periodo desde el último Z (encargado)',
    # sheets (#15: printer width, receipt notice, exports, exit codes)
    'use "auto" or 24 to 64 columns (32 for 58 mm paper, 42 or 48 for 80 mm)':
        'use "auto" o de 24 a 64 columnas (32 para papel de 58 mm, 42 o 48 para 80 mm)',
    'Top-up record: NOT a comprobante de pago (boleta or factura).':
        'Constancia de recarga: NO es comprobante de pago (boleta ni factura).',
    "[printer] width {width} does not fit profile '{profile}' (its fonts print {columns} "
    "columns): fix config.toml.":
        "[printer] width {width} no cabe en el perfil '{profile}' (sus fuentes imprimen "
        "{columns} columnas): corrija config.toml.",
    "Series": "Serie",
    "Sequence": "Correlativo",
    "Entry kind": "Tipo de movimiento",
    "Time (UTC)": "Hora (UTC)",
    "Local date and time": "Fecha y hora",
    "Card brand": "Marca de tarjeta",
    "Card last 4": "Tarjeta (últimos 4)",
    "Document type": "Tipo de documento",
    "Referenced ticket": "Ticket referido",
    "Figures (JSON)": "Cifras (JSON)",
    "Entry hash": "Hash del movimiento",
    "Previous hash": "Hash anterior",
    "Column": "Columna",
    "Headers must be label or machine.": "Los encabezados deben ser label o machine.",
    "The CSV dialect must be standard, es-PE or es-ES.":
        "El dialecto CSV debe ser standard, es-PE o es-ES.",
    "{path} is one of the shop's own files (ledger, key, head record or config): choose "
    "another name.":
        "{path} es un archivo propio de la tienda (registro, clave, registro de cabeza o "
        "configuración): elija otro nombre.",
    "{path} is not a regular file (a folder, device or pipe): choose a file name.":
        "{path} no es un archivo común (es una carpeta, un dispositivo o una tubería): elija "
        "un nombre de archivo.",
    "{path} already exists: use --force to replace it.":
        "{path} ya existe: use --force para reemplazarlo.",
    "The disk is full or failing: {path} was NOT written ({reason}). Free some space or "
    "choose another folder.":
        "El disco está lleno o falla: {path} NO se escribió ({reason}). Libere espacio o "
        "elija otra carpeta.",
    "Cannot create the folder {folder}: {reason}.": "No se puede crear la carpeta {folder}: "
        "{reason}.",
    "{count} receipt(s) NOT printed; they wait in the print queue.":
        "{count} ticket(s) NO impreso(s); esperan en la cola de impresión.",
    # end of sheets (#15)
    # auth (#10): manager PIN for privileged acts, PIN lockout, clerk records
    'No PIN given: set {env}, use --pin-stdin, or run it on a terminal to be asked.':
        'Falta el PIN: defina {env}, use --pin-stdin o ejecútelo en una terminal para que '
        'se lo pida.',
    'New PIN': 'PIN nuevo',
    '{name} deactivated.': '{name} desactivado.',
    'New PIN set for {name}.': 'PIN nuevo guardado para {name}.',
    'Standard input ended before this value.': 'La entrada estándar terminó antes de este dato.',
    'Current PIN of {name}': 'PIN actual de {name}',
    'PIN of manager {name}': 'PIN del encargado {name}',
    'Customer ID (dni:NUMBER, ce:NUMBER or passport:NUMBER)':
        'Documento del cliente (dni:NÚMERO, ce:NÚMERO o passport:NÚMERO)',
    'No ID document given: set {env} or use --id-stdin.':
        'Falta el documento: defina {env} o use --id-stdin.',
    'the record was changed outside the app (role, PIN or state edited in the database)':
        'el registro fue cambiado fuera de la aplicación (rol, PIN o estado editados en la '
        'base de datos)',
    'the record was not created by the app (no event records it)':
        'el registro no lo creó la aplicación (ningún evento lo registra)',
    'the record differs from its last recorded change (an older copy was put back)':
        'el registro difiere de su último cambio registrado (se repuso una copia anterior)',
    'clerk {name}': 'cajero {name}',
    'the record was deleted from the database': 'el registro fue borrado de la base de datos',
    'There is no active clerk named {name}.': 'No hay un cajero activo llamado {name}.',
    'Too many wrong PINs: {name} is locked until {time}.':
        'Demasiados PIN incorrectos: {name} está bloqueado hasta las {time}.',
    'The record of clerk {name} cannot be trusted: {reason}. Run pos verify.':
        'El registro del cajero {name} no es confiable: {reason}. Ejecute pos verify.',
    "Only a manager can add clerks: a manager's name and PIN are needed.":
        'Solo un encargado puede agregar cajeros: se necesitan su nombre y su PIN.',
    'The first clerk of a new ledger must be a manager.':
        'El primer cajero de un registro nuevo debe ser encargado.',
    '{name} is the last active manager: add another manager first.':
        '{name} es el último encargado activo: agregue antes otro encargado.',
    # end of auth (#10)
    # printconf (#10 printing confirmed, #15 printer test, #10 inputs)
    "the printer did not confirm the receipt (no status answer)":
        "la impresora no confirmó el ticket (no respondió a la consulta de estado)",
    "the printer is offline": "la impresora está fuera de línea",
    "the printer's cover is open": "la tapa de la impresora está abierta",
    "the printer is out of paper": "la impresora no tiene papel",
    "the printer reports an error (paper jam or cutter?)":
        "la impresora informa un error (¿papel atascado o cortador?)",
    "{fault}: check the paper; if the receipt did not come out, reprint a copy (R)":
        "{fault}: revise el papel; si el ticket no salió, reimprima una copia (R)",
    "The receipt bytes of {ticket} in the print queue were altered; they were not printed "
    "(R prints a copy from the ledger).":
        "Los datos del ticket {ticket} en la cola de impresión fueron alterados; no se "
        "imprimieron (R imprime una copia desde el registro).",
    "outcome unknown: printing was interrupted (check the paper; it prints again only as a "
    "copy)":
        "resultado desconocido: la impresión se interrumpió (revise el papel; solo se vuelve "
        "a imprimir como copia)",
    "its receipt bytes in the print queue were altered (print job {job})":
        "sus datos de ticket en la cola de impresión fueron alterados (trabajo {job})",
    "Receipt NOT confirmed by the printer ({error}). If it did not come out: "
    "pos reprint {ticket}":
        "Ticket NO confirmado por la impresora ({error}). Si no salió: pos reprint {ticket}",
    "printed (copy)": "impreso (copia)",
    "not confirmed: {error}": "no confirmado: {error}",
    "must not contain control characters (tabs, line breaks, ESC)":
        "no debe contener caracteres de control (tabulaciones, saltos de línea, ESC)",
    "has too many entries (at most {max_length})":
        "tiene demasiados elementos (como máximo {max_length})",
    "The request id {request_id} was already used for {ticket}, with other content: use a new "
    "request id for a new operation.":
        "El id de solicitud {request_id} ya se usó para {ticket}, con otro contenido: use un "
        "id nuevo para una operación nueva.",
    "PRINTER TEST": "PRUEBA DE IMPRESORA",
    "Characters": "Caracteres",
    "Width": "Ancho",
    "Barcode": "Código de barras",
    "If every line reads right and the ruler fits on one line, the printer is ready.":
        "Si cada línea se lee bien y la regla cabe en una línea, la impresora está lista.",
    "no status check for this printer (kind {kind})":
        "sin consulta de estado para esta impresora (tipo {kind})",
    "the printer answered: {status}": "la impresora respondió: {status}",
    "Test page NOT confirmed: {error} ({detail})":
        "Página de prueba NO confirmada: {error} ({detail})",
    "Test page sent.": "Página de prueba enviada.",
    "online, paper OK": "en línea, papel OK",
    "paper running low": "queda poco papel",
    # end of printconf
    # chain (#10: witness, backup, paper Z)
    "Keep the copy away from this machine; the key file in it can sign entries.":
        "Guarde la copia fuera de esta máquina; el archivo de clave que contiene puede firmar "
        "movimientos.",
    "A new ledger was started: {url}": "Se empezó un libro nuevo: {url}",
    "Accepted. It was: {problem}": "Aceptado. Era: {problem}",
    "The Z {ticket} of {date} has this chain code: the ledger up to it is the one printed on "
    "that paper.":
        "El Z {ticket} del {date} tiene este código de cadena: el libro hasta él es el que se "
        "imprimió en ese papel.",
    "Note: {note}": "Nota: {note}",
    "kept as {path}": "guardado como {path}",
    "NOT CHECKED: {problem}": "SIN VERIFICAR: {problem}",
    "{path} is part of the live ledger (the database, its key, a witness or the config): "
    "choose another file.":
        "{path} es parte del libro en uso (la base de datos, su clave, un testigo o la "
        "configuración): elija otro archivo.",
    "{path} is not a regular file: choose another file.":
        "{path} no es un archivo normal: elija otro archivo.",
    "{path} already exists: add --force to replace it.":
        "{path} ya existe: agregue --force para reemplazarlo.",
    "The backup failed: {reason}": "La copia de respaldo falló: {reason}",
    "The backup could not be written to {path}: {reason}.":
        "No se pudo escribir la copia de respaldo en {path}: {reason}.",
    "The ledger does not match the witness of {series}: no backup was made. Run pos verify.":
        "El libro no coincide con el testigo de {series}: no se hizo la copia. Ejecute "
        "pos verify.",
    "Chain code: {code}": "Código de cadena: {code}",
    "the ledger no longer holds {name} as this terminal wrote it (the database was replaced "
    "by an older copy or rewritten).":
        "el libro ya no tiene {name} como esta terminal lo escribió (la base de datos fue "
        "reemplazada por una copia anterior o reescrita).",
    "This terminal is stopped: {problem} A manager must check the ledger (pos verify), then "
    "restore the right files or accept the ledger as it is (pos ledger accept).":
        "Esta terminal está detenida: {problem} Un encargado debe revisar el libro "
        "(pos verify) y luego restaurar los archivos correctos o aceptar el libro como está "
        "(pos ledger accept).",
    "the witness {path} is missing (deleted?): the newest entries cannot be checked against "
    "a rollback.":
        "falta el testigo {path} (¿borrado?): no se puede comprobar que los últimos "
        "movimientos no fueron revertidos.",
    "the witness {path} is empty (zero length): the newest entries cannot be checked against "
    "a rollback.":
        "el testigo {path} está vacío (largo cero): no se puede comprobar que los últimos "
        "movimientos no fueron revertidos.",
    "the witness {path} holds only zeros: the newest entries cannot be checked against a "
    "rollback.":
        "el testigo {path} solo tiene ceros: no se puede comprobar que los últimos "
        "movimientos no fueron revertidos.",
    "the witness records {name}, but the ledger ends at {last}: the database was replaced by "
    "an older copy, or its newest entries were deleted.":
        "el testigo registra {name}, pero el libro termina en {last}: la base de datos fue "
        "reemplazada por una copia anterior, o se borraron sus últimos movimientos.",
    "{name} differs from the one the witness recorded when it was written: the chain was "
    "rewritten or forked from an older copy.":
        "{name} no es el que el testigo registró al escribirlo: la cadena fue reescrita o "
        "bifurcada desde una copia anterior.",
    "The ledger is empty, but the witness files beside {key} record entries: the ledger was "
    "replaced by an empty one. Restore it from a backup; to start a new ledger on purpose: "
    "pos ledger new.":
        "El libro está vacío, pero los testigos junto a {key} registran movimientos: el libro "
        "fue reemplazado por uno vacío. Restáurelo desde una copia de respaldo; para empezar "
        "un libro nuevo a propósito: pos ledger new.",
    "The ledger {path} is missing, but {files} still exist: a ledger is never recreated "
    "silently. Restore it from your backup (pos backup makes one); to start a new ledger on "
    "purpose: pos ledger new.":
        "Falta el libro {path}, pero {files} siguen existiendo: un libro nunca se vuelve a "
        "crear sin avisar. Restáurelo desde su copia de respaldo (pos backup la hace); para "
        "empezar un libro nuevo a propósito: pos ledger new.",
    "'{value}' is not a chain code: 12 letters and digits as printed on the Z, e.g. "
    "A1B2-C3D4-E5F6.":
        "'{value}' no es un código de cadena: 12 letras y cifras como las imprime el Z, p. ej. "
        "A1B2-C3D4-E5F6.",
    "no Z in this ledger has this chain code: the ledger was rewritten before that Z, or it "
    "is another ledger (or the code was mistyped)":
        "ningún Z de este libro tiene este código de cadena: el libro fue reescrito antes de "
        "ese Z, o es otro libro (o el código se escribió mal)",
    "pos backup copies a SQLite ledger; back up a PostgreSQL ledger with pg_dump, and copy "
    "the key file and its witnesses.":
        "pos backup copia un libro SQLite; respalde un libro PostgreSQL con pg_dump, y copie "
        "el archivo de clave y sus testigos.",
    "pos ledger new works on a SQLite ledger; for PostgreSQL, point the config at a new "
    "empty database.":
        "pos ledger new funciona con un libro SQLite; para PostgreSQL, apunte la configuración "
        "a una base de datos nueva y vacía.",
    "The ledger {path} exists: pos ledger new only starts over when it is missing. Nothing "
    "was changed.":
        "El libro {path} existe: pos ledger new solo empieza de nuevo cuando falta. No se "
        "cambió nada.",
    "Write the reason (3 to 200 letters).": "Escriba el motivo (3 a 200 letras).",
    "Nothing to accept: this terminal's ledger matches its witness.":
        "Nada que aceptar: el libro de esta terminal coincide con su testigo.",
    "A wrong key cannot be accepted: put the right key file back.":
        "Una clave equivocada no se puede aceptar: vuelva a poner el archivo de clave "
        "correcto.",
    "nothing": "nada",
    "the key file {path} does not sign the ledger's newest entry {name}: the key was "
    "replaced, or the ledger is not this key's. Put the right key file back.":
        "el archivo de clave {path} no firma el último movimiento del libro {name}: la clave "
        "fue reemplazada, o el libro no es de esta clave. Vuelva a poner el archivo de clave "
        "correcto.",
    "the witness {path} is damaged or forged ({reason}).":
        "el testigo {path} está dañado o falsificado ({reason}).",
    "{series}: a manager accepted the ledger at {name} after a rollback or a lost witness "
    "(see the event log).":
        "{series}: un encargado aceptó el libro en {name} tras una reversión o un testigo "
        "perdido (vea el registro de eventos).",
    "{path}: the last line was cut short (a power cut?) and was ignored.":
        "{path}: la última línea quedó cortada (¿un corte de luz?) y se ignoró.",
    "the witness {path} is damaged or forged ({reason})":
        "el testigo {path} está dañado o falsificado ({reason})",
    "{path} already exists: try again in a second.":
        "{path} ya existe: intente de nuevo en un segundo.",
    "chain code": "código de cadena",
    "ledger": "libro",
    "{series}: no witness beside this key file; its newest entries are checked on its own "
    "terminal.":
        "{series}: no hay testigo junto a este archivo de clave; sus últimos movimientos se "
        "verifican en su propia terminal.",
    # end of chain (#10)
    # topup (#13): the top-up through the distributor, float
    'use https://HOST/PATH': 'use https://SERVIDOR/RUTA',
    'the http gateway needs [topup.http] base_url': 'la pasarela http necesita [topup.http] base_url',
    'the http gateway needs [topup.http] credentials_file or credentials_env (never the secret itself)':
        'la pasarela http necesita [topup.http] credentials_file o credentials_env (nunca el '
        'secreto mismo)',
    '[topup.operators.{code}]: no such operator': '[topup.operators.{code}]: no existe ese operador',
    'pending': 'pendiente',
    'confirmed': 'confirmada',
    'failed': 'fallida',
    'recorded only': 'solo registrada',
    'Top-up failed: {reason}': 'Recarga fallida: {reason}',
    'Low float with {account}: {left} left (warning level {level}).':
        'Saldo bajo con {account}: quedan {left} (aviso desde {level}).',
    'The top-up of {ticket} is not pending ({state}).':
        'La recarga de {ticket} no está pendiente ({state}).',
    'did not arrive (clerk)': 'no llegó (cajero)',
    "Type the operator's confirmation code (3 to 40 letters or digits).":
        'Escriba el código de confirmación del operador (3 a 40 letras o dígitos).',
    'the distributor never received it': 'el distribuidor nunca la recibió',
    'the distributor balance is too low ({balance} left)':
        'el saldo del distribuidor no alcanza (quedan {balance})',
    'the distributor balance is too low': 'el saldo del distribuidor no alcanza',
    'the distributor refused the credentials (check [topup.http])':
        'el distribuidor rechazó las credenciales (revise [topup.http])',
    'refused by the distributor': 'rechazada por el distribuidor',
    "The top-up gateway's credentials cannot be read ({reason}).":
        'No se pueden leer las credenciales de la pasarela de recargas ({reason}).',
    'The top-up of {ticket} is still pending: wait for its outcome (pos topup pending).':
        'La recarga de {ticket} sigue pendiente: espere su resultado (pos topup pending).',
    'This top-up was delivered: say how the airtime was reversed (reversed or not_reversed).':
        'Esta recarga se entregó: indique cómo se revirtió el saldo (reversed o not_reversed).',
    'The account name has 1 to 20 letters or digits.':
        'El nombre de la cuenta tiene de 1 a 20 letras o dígitos.',
    'The restock amount must be more than 0.': 'El monto de la compra de saldo debe ser mayor que 0.',
    'The commission rate is a percentage from 0 to 99.':
        'La comisión es un porcentaje de 0 a 99.',
    'Cost': 'Costo',
    'Commission': 'Comisión',
    'Float left ({account})': 'Saldo restante ({account})',
    'No confirmed top-ups': 'Sin recargas confirmadas',
    'Top-ups through the distributor': 'Recargas por el distribuidor',
    'GIVE BACK {amount} IN CASH': 'DEVOLVER {amount} EN EFECTIVO',
    'ANNUL the card payment {amount} (auth. {auth})': 'ANULAR el pago con tarjeta {amount} (aut. {auth})',
    'ANNUL the {method} payment {amount} (op. {number})':
        'ANULAR el pago con {method} {amount} (op. {number})',
    'Refunds ticket': 'Devuelve ticket',
    'TOP-UP NOT DONE: REFUND': 'RECARGA NO REALIZADA: DEVOLUCIÓN',
    'Top-up CONFIRMED': 'Recarga CONFIRMADA',
    'Operator txn': 'Nro. operador',
    'Top-up NOT DONE': 'Recarga NO REALIZADA',
    'Refund': 'Devolución',
    'Top-up PENDING confirmation': 'Recarga PENDIENTE de confirmación',
    'Reference': 'Referencia',
    'Top-up: {state}': 'Recarga: {state}',
    'Refund {ticket}: {reason}': 'Devolución {ticket}: {reason}',
    '{count} still pending.': '{count} siguen pendientes.',
    '{account}: {left} left (bought {bought}, used {used}, rate {rate}%)':
        '{account}: quedan {left} (comprado {bought}, usado {used}, comisión {rate}%)',
    'distributor says {reported} (difference {diff})':
        'el distribuidor dice {reported} (diferencia {diff})',
    'Did not arrive': 'No llegó',
    'Refresh': 'Actualizar',
    'Top-ups': 'Recargas',
    '{seconds} s': '{seconds} s',
    '{minutes} min': '{minutes} min',
    '{hours} h': '{hours} h',
    'Pending top-ups': 'Recargas pendientes',
    "Operator's confirmation code, then Enter": 'Código de confirmación del operador y Enter',
    'Waiting': 'Espera',
    'No top-up is pending.': 'No hay recargas pendientes.',
    "Top-up {ticket}: type the code from the distributor's app or SMS; F8 if it did not arrive.":
        'Recarga {ticket}: escriba el código de la app o SMS del distribuidor; F8 si no llegó.',
    'Saving…': 'Guardando…',
    'Top-up {ticket} confirmed: {code}.': 'Recarga {ticket} confirmada: {code}.',
    'Top-up {ticket} did not arrive: refund {refund} printed.':
        'La recarga {ticket} no llegó: se imprimió la devolución {refund}.',
    "Type the operator's code or mark it failed (Ctrl+R)":
        'Escriba el código del operador o márquela como fallida (Ctrl+R)',
    'Airtime reversed by the operator? (y/n)': '¿El operador revirtió el saldo? (s/n)',
    # end of topup (#13)
    'Top-up status': 'Estado de la recarga',
    'Operator transaction': 'Transacción del operador',
    'Slip NOT printed ({error}); it waits in the print queue (pos print-queue).':
        'Ticket NO impreso ({error}); espera en la cola de impresión (pos print-queue).',
    "{name} is not a manager: a refund for a top-up that did not arrive needs a manager's "
    "PIN.":
        '{name} no es encargado: devolver una recarga que no llegó necesita el PIN de un '
        'encargado.',
    # tui (#14)
    "No document has this number: check it.": "Ningún documento tiene ese número: revíselo.",
    "At most two decimals (céntimos), e.g. 20.50.":
        "Máximo dos decimales (céntimos), p. ej. 20.50.",
    "Full card number cleared: Enter, then only the last 4.":
        "Tarjeta completa borrada: Enter y solo los últimos 4.",
    "DNI complete (8 digits): Enter goes on.": "DNI completo (8 dígitos): Enter para seguir.",
    "Phone complete (9 digits): Enter or F1–F5.": "Celular completo (9 dígitos): Enter o F1–F5.",
    "Sell again": "Repetir",
    "S: sell again (a new sale, confirmed as usual)":
        "S: vender de nuevo (una venta nueva, con confirmación)",
    "This sale cannot be repeated here.": "Esta venta no se puede repetir aquí.",
    "Repeating {ticket}: check the ID and take the payment.":
        "Repitiendo {ticket}: verifique el documento y cobre.",
    "Z REPORT (COPY)": "REPORTE Z (COPIA)",
    "SHOP REPORT": "REPORTE DEL LOCAL",
    "Queue": "Cola",
    "Print queue": "Cola de impresión",
    "Waiting or failed receipts: retry, or a COPY":
        "Tickets en espera o fallidos: reintentar o una COPIA",
    "Verify": "Verificar",
    "Verify the ledger": "Verificar el registro",
    "Check every chain and the recorded head": "Revisa cada cadena y la cabeza registrada",
    "Export": "Exportar",
    "Export the ledger": "Exportar el registro",
    "Entries of a date range to CSV, JSON or XLSX": "Asientos de un rango de fechas a CSV, JSON o XLSX",
    "Add a clerk": "Agregar un cajero",
    "A clerk or manager with a PIN": "Un cajero o encargado con su PIN",
    "Retry": "Reintentar",
    "Copy": "Copia",
    "Back office": "Administración",
    "Manager: {name}": "Encargado: {name}",
    "Job": "Trabajo",
    "Kind": "Tipo",
    "Tries": "Intentos",
    "Error": "Error",
    "{count} entries so far…": "{count} asientos hasta ahora…",
    "Reading the print queue…": "Leyendo la cola de impresión…",
    "waiting": "en espera",
    "Print queue: {waiting} waiting of {count}. R retries the selected one, C prints a COPY.":
        "Cola: {waiting} en espera de {count}. R reintenta el elegido, C imprime una COPIA.",
    "Verifying the ledger…": "Verificando el registro…",
    "Ledger verified: every chain is whole ({count} entries).":
        "Registro verificado: todas las cadenas están completas ({count} asientos).",
    "Write dates as YYYY-MM-DD, e.g. 2026-11-25.":
        "Escriba las fechas como AAAA-MM-DD, p. ej. 2026-11-25.",
    "The format is csv, json or xlsx.": "El formato es csv, json o xlsx.",
    "{path} already exists: choose another name.": "{path} ya existe: elija otro nombre.",
    "From (YYYY-MM-DD)": "Desde (AAAA-MM-DD)",
    "To (YYYY-MM-DD)": "Hasta (AAAA-MM-DD)",
    "Format (csv, json, xlsx)": "Formato (csv, json, xlsx)",
    "Save as": "Guardar como",
    "Exporting…": "Exportando…",
    "Exported {count} rows to {path}.": "Se exportaron {count} filas a {path}.",
    "Role: C (clerk) or M (manager).": "Rol: C (cajero) o E (encargado).",
    "The two PINs differ.": "Los dos PIN difieren.",
    "Name": "Nombre",
    "Role: C clerk, M manager": "Rol: C cajero, E encargado",
    "{name} can log in now.": "{name} puede ingresar ahora.",
    "Manager: print queue, verify, export, clerks":
        "Encargado: cola de impresión, verificar, exportar, cajeros",
    "(manager)": "(encargado)",
    "sale": "venta",
    "void": "anulación",
    "copy": "copia",
    "Unknown operator '{value}': press its number key.":
        "Operador desconocido '{value}': pulse su tecla de número.",
    "Unknown card brand '{value}': press its number key.":
        "Marca de tarjeta desconocida '{value}': pulse su tecla de número.",
    "Void slip": "Comprobante de anulación",
    # end of tui (#14)
    # tuimerge: print-job states in the back office (distinct from the top-up "failed")
    "print failed": "falló",
    "sending": "enviando",
    "unconfirmed": "sin confirmar",
    "replaced": "reemplazado",
    # back office: clerks and backup (#14)
    'Deactivate': 'Desactivar',
    'Deactivate a clerk': 'Desactivar a un cajero',
    'They can no longer log in':
        'Ya no podrá ingresar',
    "Reset a clerk's PIN": 'Cambiar el PIN de un cajero',
    'A new PIN, lockout cleared': 'PIN nuevo y sin bloqueo',
    'Backup': 'Copia',
    'Back up the ledger': 'Copia de seguridad',
    'A copy with its key and witness':
        'Copia con su clave y su testigo',
    'Done: {name}.': 'Listo: {name}.',
    'Write the file to copy the ledger to.': 'Escriba el archivo donde copiar el registro.',
    'Copy to (a new file)': 'Copiar a (un archivo nuevo)',
    'Backup written: {path}': 'Copia escrita: {path}',
}
