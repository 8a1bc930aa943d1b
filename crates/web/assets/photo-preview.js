// davomat console: shows the photo chosen in an upload form before it is sent.
// A form field <input type="file" data-preview="ID"> shows its image in <img id="ID">.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.preview) return;
  const img = document.getElementById(input.dataset.preview);
  const file = input.files && input.files[0];
  if (!img || !file) return;
  if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(file);
  img.hidden = false;
});
