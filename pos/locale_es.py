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
    # sale
    "Unknown operator '{value}': choose {choices}.":
        "Operador desconocido '{value}': elija {choices}.",
}
