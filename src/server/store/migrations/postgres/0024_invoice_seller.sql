-- What an invoice was drawn with besides its buyer: the seller (name, tax number, address
-- and bank), the item's name and the tax rate, as they were configured when it was issued.
-- A red-letter invoice repeats its blue invoice's, whatever the configuration says by
-- the time it is reversed (a new tax rate, a renamed seller). NULL for invoices issued
-- before: drawn with the configuration, as they were.
ALTER TABLE invoices ADD COLUMN seller_json TEXT;
